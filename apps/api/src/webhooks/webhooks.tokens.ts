import type { WebhookConfig } from '@claims/feed';

/** The webhook configuration of this process (`loadWebhookConfig()` of the environment). */
export const WEBHOOK_CONFIG = Symbol('WEBHOOK_CONFIG');
export type { WebhookConfig };
