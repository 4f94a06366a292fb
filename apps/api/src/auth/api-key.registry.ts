import type { Pool, PoolClient } from 'pg';
import { readApiKeyEvent, type ApiKeyRole } from '@claims/contracts';
import { apiKeyDecider, ApiKeyNotFound, type ApiKeyCommand } from '@claims/domain';
import { type EventMetadata, handleCommand, type PgEventStore } from '@claims/event-store';
import { inTransaction } from '@claims/projections';
import { generateApiKey, type GeneratedApiKey } from './api-key-secret';
import { findApiKey, listApiKeys, projectApiKey, type ApiKeyRecord } from './api-key.projection';

export const apiKeyStreamId = (keyId: string): string => `api-key-${keyId}`;

/** Who changes keys and when: the admin key of a request, the command line, or the first start. */
export interface KeyChangeContext {
  now: Date;
  /** Stored with the events; `actor.id` becomes `recordedBy`. */
  metadata: EventMetadata & { actor: { id: string; name?: string } };
  /** Run inside the caller's transaction. */
  client?: PoolClient;
}

export interface IssueApiKeyInput {
  name: string;
  role: ApiKeyRole;
  expiresAt?: string;
}

/**
 * API keys as an event-sourced aggregate: every change runs the key decider through `handleCommand` and
 * updates the `api_keys` row in the same transaction. The API, the command line and the first start all
 * write keys through here.
 */
export class ApiKeyRegistry {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  /** Issues a key; the secret in the answer exists nowhere else. `generated` is for tests that need a known key. */
  async issue(input: IssueApiKeyInput, context: KeyChangeContext, generated: GeneratedApiKey = generateApiKey()): Promise<{ record: ApiKeyRecord; secret: string }> {
    const { keyId, secretHash, prefix, secret } = generated;
    const record = await this.write(keyId, context, {
      type: 'IssueApiKey',
      data: { keyId, name: input.name, role: input.role, prefix, secretHash, ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) },
      metadata: { now: context.now.toISOString(), actor: context.metadata.actor.id },
    });
    return { record, secret };
  }

  revoke(keyId: string, reason: string | undefined, context: KeyChangeContext): Promise<ApiKeyRecord> {
    return this.write(keyId, context, {
      type: 'RevokeApiKey',
      data: { keyId, ...(reason ? { reason } : {}) },
      metadata: { now: context.now.toISOString(), actor: context.metadata.actor.id },
    });
  }

  changeExpiry(keyId: string, expiresAt: string | null, context: KeyChangeContext): Promise<ApiKeyRecord> {
    return this.write(keyId, context, {
      type: 'ChangeApiKeyExpiry',
      data: { keyId, expiresAt },
      metadata: { now: context.now.toISOString(), actor: context.metadata.actor.id },
    });
  }

  find(keyId: string): Promise<ApiKeyRecord | undefined> {
    return findApiKey(this.pool, keyId);
  }

  list(): Promise<ApiKeyRecord[]> {
    return listApiKeys(this.pool);
  }

  /** Operational bookkeeping, not history: no event. */
  async touch(keyId: string, at: Date): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [keyId, at]);
  }

  private async write(keyId: string, context: KeyChangeContext, command: ApiKeyCommand): Promise<ApiKeyRecord> {
    const run = async (client: PoolClient) => {
      const result = await handleCommand(this.store, apiKeyStreamId(keyId), apiKeyDecider, command, {
        client,
        readEvent: readApiKeyEvent,
        metadata: context.metadata,
      });
      if (result.newState.status === 'none') throw new ApiKeyNotFound(keyId);
      if (!result.appended) {
        const unchanged = await findApiKey(client, keyId);
        if (unchanged) return unchanged;
      }
      return projectApiKey(client, result.newState, result.nextExpectedVersion);
    };
    if (context.client) return run(context.client);
    const record = await inTransaction(this.pool, run);
    this.store.signalAppended();
    return record;
  }
}
