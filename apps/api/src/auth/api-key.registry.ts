import type { Pool, PoolClient } from 'pg';
import { API_KEY_EVENT_SCHEMA_VERSIONS, apiKeyStreamId, holdsApiKeySecretHash, readApiKeyEvent, type ApiKeyEventType, type ApiKeyRole } from '@claims/contracts';
import { apiKeyDecider, ApiKeyAlreadyIssued, ApiKeyNotFound, type ApiKeyCommand } from '@claims/domain';
import { afterCommit, type EventMetadata, handleCommand, type PgEventStore } from '@claims/event-store';
import { inTransaction } from '@claims/projections';
import { generateApiKey, type GeneratedApiKey } from './api-key-secret';
import { findApiKey, listApiKeys, projectApiKey, storeApiKeySecretHash, type ApiKeyRecord } from './api-key.projection';

// Each key command decides events of one type, written at that type's current schema version.
const EVENT_OF_COMMAND = { IssueApiKey: 'ApiKeyIssued', RevokeApiKey: 'ApiKeyRevoked', ChangeApiKeyExpiry: 'ApiKeyExpiryChanged' } as const satisfies Record<
  ApiKeyCommand['type'],
  ApiKeyEventType
>;

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
 * write keys through here. The hash of a key's secret goes to `api_key_secrets`, in the transaction that
 * issues the key, never into the log: the log is exported, and it cannot forget.
 */
export class ApiKeyRegistry {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  /** Issues a key; the secret in the answer exists nowhere else. `generated` is for tests that need a known key. */
  async issue(input: IssueApiKeyInput, context: KeyChangeContext, generated: GeneratedApiKey = generateApiKey()): Promise<{ record: ApiKeyRecord; secret: string }> {
    const { keyId, secretHash, prefix, secret } = generated;
    const record = await this.write(
      keyId,
      context,
      {
        type: 'IssueApiKey',
        data: { keyId, name: input.name, role: input.role, prefix, ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) },
        metadata: { now: context.now.toISOString(), actor: context.metadata.actor.id },
      },
      async (client) => {
        // An identical retry stores nothing new; the same id with another secret is another key.
        if (!(await storeApiKeySecretHash(client, keyId, secretHash))) throw new ApiKeyAlreadyIssued(keyId);
      },
    );
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

  /**
   * The key streams whose `ApiKeyIssued` still holds the secret's hash (v1, before the hash left the log):
   * exports leave them out. The log cannot be rewritten, and an export that redacted them would no longer
   * verify.
   */
  async streamsHoldingSecretHashes(): Promise<string[]> {
    const streams: string[] = [];
    for (const { keyId } of await this.list()) {
      const [issued] = await this.store.readStream(apiKeyStreamId(keyId), { toVersion: 1 });
      if (issued && holdsApiKeySecretHash(issued)) streams.push(apiKeyStreamId(keyId));
    }
    return streams;
  }

  /** Operational bookkeeping, not history: no event. */
  async touch(keyId: string, at: Date): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [keyId, at]);
  }

  private async write(keyId: string, context: KeyChangeContext, command: ApiKeyCommand, alongside?: (client: PoolClient) => Promise<void>): Promise<ApiKeyRecord> {
    const run = async (client: PoolClient) => {
      const result = await handleCommand(this.store, apiKeyStreamId(keyId), apiKeyDecider, command, {
        client,
        readEvent: readApiKeyEvent,
        metadata: context.metadata,
        schemaVersion: API_KEY_EVENT_SCHEMA_VERSIONS[EVENT_OF_COMMAND[command.type]],
      });
      if (result.newState.status === 'none') throw new ApiKeyNotFound(keyId);
      await alongside?.(client);
      if (!result.appended) {
        const unchanged = await findApiKey(client, keyId);
        if (unchanged) return unchanged;
      }
      // Wake the log's subscribers once the events are committed: the caller's transaction, or ours.
      afterCommit(() => this.store.signalAppended());
      return projectApiKey(client, result.newState, result.nextExpectedVersion);
    };
    return context.client ? run(context.client) : inTransaction(this.pool, run);
  }
}
