import { z } from 'zod';

const HOUR_MS = 3_600_000;

/** The webhook variables, shared by the API and the worker (both may run the dispatcher). */
export const WebhookConfigSchema = z.object({
  /** `on`: this process runs a webhook dispatcher (several may: they share the work, never a delivery). */
  WEBHOOK_DISPATCHER: z.enum(['on', 'off']).default('on'),
  /** `true` allows loopback, private and link-local receivers (tests, a private network). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  /** How long a delivery is retried, from the change (or a redelivery), before it is parked as failed. Fractions allowed. */
  WEBHOOK_RETRY_HORIZON_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** The first retry's delay; each next one doubles, up to WEBHOOK_RETRY_MAX_DELAY_MS, with jitter. */
  WEBHOOK_RETRY_FIRST_DELAY_MS: z.coerce.number().int().min(1).max(HOUR_MS).default(5000),
  WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(1).max(24 * HOUR_MS).default(HOUR_MS),
  /** One attempt's limit, connection to the end of the answer. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** After a rotation, how long the previous secret still signs. Fractions allowed. */
  WEBHOOK_SECRET_GRACE_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** How often the dispatcher looks for due deliveries when no notification arrives. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Deliveries sent at once by one dispatcher. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
});
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

/** Parses the webhook variables, failing with every invalid one named. */
export const loadWebhookConfig = (env: NodeJS.ProcessEnv = process.env): WebhookConfig => {
  const parsed = WebhookConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
};

/** The dispatcher's options from the configuration. */
export const webhookDispatcherSettings = (config: WebhookConfig) => ({
  allowPrivate: config.WEBHOOK_ALLOW_PRIVATE === 'true',
  retryHorizonMs: Math.round(config.WEBHOOK_RETRY_HORIZON_HOURS * HOUR_MS),
  firstRetryDelayMs: config.WEBHOOK_RETRY_FIRST_DELAY_MS,
  maxRetryDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS,
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  pollIntervalMs: config.WEBHOOK_POLL_MS,
  concurrency: config.WEBHOOK_CONCURRENCY,
});

export const secretGraceMs = (config: WebhookConfig): number => Math.round(config.WEBHOOK_SECRET_GRACE_HOURS * HOUR_MS);
