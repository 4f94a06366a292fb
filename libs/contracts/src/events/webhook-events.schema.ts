import { z } from 'zod';
import { defineEvent } from './event-envelope';
import { createEventReader } from './event-versioning';
import { ActorId, HttpUrl, Identifier, Timestamp } from './primitives.schema';
import { PublishedStatus } from './vocabulary.schema';

/**
 * Which status changes an endpoint receives: those to one of `status` (any when absent), of claim `claim`
 * (any when absent). The same two filters as the HTTP status feed.
 */
export const WebhookFilter = z.strictObject({
  status: z.array(PublishedStatus).min(1).max(PublishedStatus.options.length).optional(),
  claim: Identifier.optional(),
});
export type WebhookFilter = z.infer<typeof WebhookFilter>;

export const WebhookDescription = z.string().trim().min(1).max(500);

const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

/**
 * The endpoint's signing secret is not part of any event: the log is exported and can never forget, and a
 * delivery must sign with the secret itself (not a hash), so it lives beside the log in `webhook_secrets`.
 */
export const WebhookRegisteredData = z.strictObject({
  webhookId: Identifier,
  url: HttpUrl,
  description: WebhookDescription.optional(),
  filter: WebhookFilter,
  ...recorded,
});

/** What a change set: only the fields given. `description: null` removes it. */
export const WebhookChangedData = z.strictObject({
  webhookId: Identifier,
  url: HttpUrl.optional(),
  description: WebhookDescription.nullable().optional(),
  filter: WebhookFilter.optional(),
  ...recorded,
});

export const WebhookPausedData = z.strictObject({ webhookId: Identifier, ...recorded });
export const WebhookResumedData = z.strictObject({ webhookId: Identifier, ...recorded });
export const WebhookDeletedData = z.strictObject({ webhookId: Identifier, ...recorded });

/** A new secret was issued; the previous one still signs deliveries until `previousSecretValidUntil`. */
export const WebhookSecretRotatedData = z.strictObject({ webhookId: Identifier, previousSecretValidUntil: Timestamp, ...recorded });

export const WebhookRegistered = defineEvent('WebhookRegistered', WebhookRegisteredData);
export const WebhookChanged = defineEvent('WebhookChanged', WebhookChangedData);
export const WebhookPaused = defineEvent('WebhookPaused', WebhookPausedData);
export const WebhookResumed = defineEvent('WebhookResumed', WebhookResumedData);
export const WebhookDeleted = defineEvent('WebhookDeleted', WebhookDeletedData);
export const WebhookSecretRotated = defineEvent('WebhookSecretRotated', WebhookSecretRotatedData);

/** Any event of a webhook endpoint stream (`webhook-<uuid>`), discriminated by `type`. */
export const WebhookEvent = z.discriminatedUnion('type', [WebhookRegistered, WebhookChanged, WebhookPaused, WebhookResumed, WebhookDeleted, WebhookSecretRotated]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type WebhookEventType = WebhookEvent['type'];

/** Validates a webhook event read back from the store (all at v1). */
export const readWebhookEvent = createEventReader<WebhookEventType, WebhookEvent>(WebhookEvent, {});
