import { Inject, Injectable } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { readWebhookEvent, webhookStreamId, type WebhookFilter } from '@claims/contracts';
import { WebhookAlreadyRegistered, webhookDecider, WebhookNotFound, type RegisteredWebhook, type WebhookCommand } from '@claims/domain';
import { afterCommit, type EventMetadata, handleCommand, PgEventStore } from '@claims/event-store';
import { generateWebhookSecret, secretGraceMs } from '@claims/feed';
import { inTransaction } from '@claims/projections';
import { findWebhook, listWebhooks, projectWebhook, storeFirstWebhookSecret, storeRotatedWebhookSecret, retireWebhook, type WebhookRecord } from './webhook.projection';
import { WEBHOOK_CONFIG, type WebhookConfig } from './webhooks.tokens';

/** Who changes an endpoint and when: the admin key of a request. */
export interface WebhookChangeContext {
  now: Date;
  metadata: EventMetadata & { actor: { id: string; name?: string } };
}

export interface WebhookChanges {
  url?: string;
  description?: string | null;
  filter?: WebhookFilter;
  paused?: boolean;
}

/**
 * Webhook endpoints as an event-sourced aggregate, like API keys: every change runs the webhook decider
 * through `handleCommand` and updates `webhook_endpoints` in the same transaction. Secrets go to
 * `webhook_secrets` in that transaction, never into the log.
 */
@Injectable()
export class WebhookRegistry {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  /** Registers an endpoint; the secret in the answer is shown this once. */
  async register(
    input: { webhookId: string; url: string; description?: string; filter: WebhookFilter },
    context: WebhookChangeContext,
    secret: string = generateWebhookSecret(),
  ): Promise<{ record: WebhookRecord; secret: string }> {
    const record = await this.write(input.webhookId, context, { type: 'RegisterWebhook', data: input, metadata: this.metadata(context) }, async (client) => {
      if (!(await storeFirstWebhookSecret(client, input.webhookId, secret))) throw new WebhookAlreadyRegistered(input.webhookId);
    });
    return { record, secret };
  }

  change(webhookId: string, changes: WebhookChanges, context: WebhookChangeContext): Promise<WebhookRecord> {
    return this.write(webhookId, context, { type: 'ChangeWebhook', data: { webhookId, ...changes }, metadata: this.metadata(context) });
  }

  delete(webhookId: string, context: WebhookChangeContext): Promise<WebhookRecord> {
    return this.write(webhookId, context, { type: 'DeleteWebhook', data: { webhookId }, metadata: this.metadata(context) }, (client) => retireWebhook(client, webhookId));
  }

  /** A new secret, shown once; the previous ones sign too until the grace period ends. */
  async rotateSecret(webhookId: string, context: WebhookChangeContext, secret: string = generateWebhookSecret()): Promise<{ record: WebhookRecord; secret: string }> {
    const previousSecretValidUntil = new Date(context.now.getTime() + secretGraceMs(this.config)).toISOString();
    const record = await this.write(
      webhookId,
      context,
      { type: 'RotateWebhookSecret', data: { webhookId, previousSecretValidUntil }, metadata: this.metadata(context) },
      (client) => storeRotatedWebhookSecret(client, webhookId, secret, previousSecretValidUntil),
    );
    return { record, secret };
  }

  find(webhookId: string): Promise<WebhookRecord | undefined> {
    return findWebhook(this.pool, webhookId);
  }

  list(): Promise<WebhookRecord[]> {
    return listWebhooks(this.pool);
  }

  private metadata(context: WebhookChangeContext) {
    return { now: context.now.toISOString(), actor: context.metadata.actor.id };
  }

  private write(webhookId: string, context: WebhookChangeContext, command: WebhookCommand, alongside?: (client: PoolClient) => Promise<void>): Promise<WebhookRecord> {
    return inTransaction(this.pool, async (client) => {
      const result = await handleCommand(this.store, webhookStreamId(webhookId), webhookDecider, command, { client, readEvent: readWebhookEvent, metadata: context.metadata });
      if (result.newState.status === 'none') throw new WebhookNotFound(webhookId);
      if (!result.appended) {
        const unchanged = await findWebhook(client, webhookId);
        if (unchanged && command.type !== 'RegisterWebhook') return unchanged;
      }
      await alongside?.(client);
      afterCommit(() => this.store.signalAppended());
      return projectWebhook(client, result.newState as RegisteredWebhook, result.nextExpectedVersion);
    });
  }
}
