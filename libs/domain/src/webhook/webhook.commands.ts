import type { WebhookFilter } from '@claims/contracts';
import type { DomainCommand } from '../shared/decider';

/** The secret is generated and stored outside the domain (`webhook_secrets`): no command or event carries it. */
export type RegisterWebhook = DomainCommand<'RegisterWebhook', { webhookId: string; url: string; description?: string; filter: WebhookFilter }>;

/** Only the fields given change; `description: null` removes it; `paused` pauses or resumes. */
export type ChangeWebhook = DomainCommand<'ChangeWebhook', { webhookId: string; url?: string; description?: string | null; filter?: WebhookFilter; paused?: boolean }>;

export type DeleteWebhook = DomainCommand<'DeleteWebhook', { webhookId: string }>;

/** `previousSecretValidUntil` is the end of the grace period, computed by the caller from its configuration. */
export type RotateWebhookSecret = DomainCommand<'RotateWebhookSecret', { webhookId: string; previousSecretValidUntil: string }>;

export type WebhookCommand = RegisterWebhook | ChangeWebhook | DeleteWebhook | RotateWebhookSecret;
