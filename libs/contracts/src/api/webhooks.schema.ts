import { z } from 'zod';
import { PublishedStatus } from '../events/vocabulary.schema';
import { WebhookDescription } from '../events/webhook-events.schema';
import { ResourceId } from './common.schema';

export const WebhookIdParams = z.strictObject({ webhookId: ResourceId });
export type WebhookIdParams = z.infer<typeof WebhookIdParams>;

export const WebhookDeliveryParams = z.strictObject({ webhookId: ResourceId, deliveryId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
export type WebhookDeliveryParams = z.infer<typeof WebhookDeliveryParams>;

/**
 * Any absolute URL parses here (a malformed one is a 400); the API then refuses, as a 422 naming `url`, a
 * scheme other than http(s) and a host that is or resolves to a private address.
 */
export const WebhookUrl = z.url().max(2048);

export const WebhookFilterRequest = z.strictObject({
  /** Only changes to one of these published statuses. */
  status: z.array(PublishedStatus).min(1).max(PublishedStatus.options.length).optional(),
  /** Only changes of this claim. */
  claim: ResourceId.optional(),
});

export const CreateWebhookRequest = z.strictObject({
  /** Where deliveries are POSTed: http(s) only; private, loopback and link-local addresses are refused. */
  url: WebhookUrl,
  description: WebhookDescription.optional(),
  filter: WebhookFilterRequest.default({}),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

/** Only the fields given change. `paused: true` holds deliveries (they queue), `false` resumes them. */
export const UpdateWebhookRequest = z
  .strictObject({
    url: WebhookUrl.optional(),
    description: WebhookDescription.nullable().optional(),
    filter: WebhookFilterRequest.optional(),
    paused: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of url, description, filter, paused' });
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>;

export const WebhookStatus = z.enum(['active', 'paused', 'deleted']);

/** An endpoint as listings show it: never its secret. */
export const WebhookResponse = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  filter: z.object({ status: z.array(PublishedStatus).optional(), claim: z.string().optional() }),
  status: WebhookStatus,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  /** While a rotation's grace period runs: until when the previous secret still signs. */
  previousSecretValidUntil: z.string().nullable(),
});
export type WebhookResponse = z.infer<typeof WebhookResponse>;

export const WebhookSecret = z.string().describe('`whsec_` and the base64 of 24 random bytes, for `new Webhook(secret)` of the standardwebhooks libraries. Shown once: store it now.');

export const CreatedWebhookResponse = WebhookResponse.extend({ secret: WebhookSecret });
export type CreatedWebhookResponse = z.infer<typeof CreatedWebhookResponse>;

export const WebhookListResponse = z.object({ items: z.array(WebhookResponse) });
export type WebhookListResponse = z.infer<typeof WebhookListResponse>;

export const WebhookDeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** A delivery id: the page continues after it. */
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  state: z.enum(['pending', 'succeeded', 'failed']).optional(),
});
export type WebhookDeliveriesQuery = z.infer<typeof WebhookDeliveriesQuery>;

export const WebhookAttemptResponse = z.object({
  attempt: z.number(),
  at: z.string(),
  durationMs: z.number(),
  /** The receiver's HTTP status; null when no answer came (network error, timeout). */
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
});

export const WebhookDeliveryResponse = z.object({
  id: z.number(),
  /** The message id: the `webhook-id` header, the same in every attempt. */
  messageId: z.string(),
  claimId: z.string(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  enqueuedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  attempts: z.array(WebhookAttemptResponse),
});
export type WebhookDeliveryResponse = z.infer<typeof WebhookDeliveryResponse>;

/**
 * The headers of every delivery (Standard Webhooks), beside `content-type: application/json`; the body is a
 * `claim.status-changed.v1` message, exactly as on the status topic.
 */
export const WebhookDeliveryHeaders = z.strictObject({
  'webhook-id': z.uuid().describe('The message id (the status topic\'s `ce_id`): the same in every attempt, for de-duplication'),
  'webhook-timestamp': z.string().regex(/^\d+$/).describe('Unix seconds of this attempt; refuse one far from your clock (replays)'),
  'webhook-signature': z
    .string()
    .regex(/^v1,[A-Za-z0-9+/]+=*( v1,[A-Za-z0-9+/]+=*)*$/)
    .describe('`v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">` per signing secret, space-separated (two during a rotation)'),
});
export type WebhookDeliveryHeaders = z.infer<typeof WebhookDeliveryHeaders>;

export const WebhookDeliveryListResponse = z.object({ items: z.array(WebhookDeliveryResponse), next: z.number().nullable() });
export type WebhookDeliveryListResponse = z.infer<typeof WebhookDeliveryListResponse>;
