import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and the base64 of 24 random bytes, the form the standardwebhooks libraries take. */
export const generateWebhookSecret = (): string => `${PREFIX}${randomBytes(24).toString('base64')}`;

/**
 * The Standard Webhooks signature of one attempt: `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${body}`
 * with the secret's bytes (the base64 after `whsec_`).
 */
export const signWebhook = (secret: string, id: string, timestampSeconds: number, body: string): string => {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
};

/** The `webhook-*` headers of one attempt; several secrets (a rotation's grace period) give space-separated signatures. */
export const webhookHeaders = (secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestampSeconds),
  'webhook-signature': secrets.map((secret) => signWebhook(secret, id, timestampSeconds, body)).join(' '),
});
