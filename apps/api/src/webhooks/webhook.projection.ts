import type { Pool, PoolClient } from 'pg';
import type { PublishedStatus, WebhookResponse } from '@claims/contracts';
import type { RegisteredWebhook } from '@claims/domain';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** A row of `webhook_endpoints`, the inline projection of the webhook streams. */
export interface WebhookRecord {
  webhookId: string;
  version: number;
  url: string;
  description: string | null;
  filterStatuses: PublishedStatus[] | null;
  filterClaimId: string | null;
  status: RegisteredWebhook['status'];
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  previousSecretValidUntil: Date | null;
}

interface WebhookRow {
  webhook_id: string;
  version: number;
  url: string;
  description: string | null;
  filter_statuses: PublishedStatus[] | null;
  filter_claim_id: string | null;
  status: RegisteredWebhook['status'];
  created_at: Date;
  created_by: string;
  updated_at: Date;
  previous_secret_valid_until: Date | null;
}

const COLUMNS = 'webhook_id, version, url, description, filter_statuses, filter_claim_id, status, created_at, created_by, updated_at, previous_secret_valid_until';

const toRecord = (row: WebhookRow): WebhookRecord => ({
  webhookId: row.webhook_id,
  version: row.version,
  url: row.url,
  description: row.description,
  filterStatuses: row.filter_statuses,
  filterClaimId: row.filter_claim_id,
  status: row.status,
  createdAt: row.created_at,
  createdBy: row.created_by,
  updatedAt: row.updated_at,
  previousSecretValidUntil: row.previous_secret_valid_until,
});

/** Writes the endpoint's row as its stream now stands, in the transaction that appended the events. */
export const projectWebhook = async (client: Queryable, state: RegisteredWebhook, version: number): Promise<WebhookRecord> => {
  await client.query(
    `INSERT INTO webhook_endpoints (webhook_id, version, url, description, filter_statuses, filter_claim_id, status, created_at, created_by, updated_at, previous_secret_valid_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (webhook_id) DO UPDATE SET version = EXCLUDED.version, url = EXCLUDED.url, description = EXCLUDED.description,
       filter_statuses = EXCLUDED.filter_statuses, filter_claim_id = EXCLUDED.filter_claim_id, status = EXCLUDED.status,
       updated_at = EXCLUDED.updated_at, previous_secret_valid_until = EXCLUDED.previous_secret_valid_until`,
    [
      state.webhookId,
      version,
      state.url,
      state.description ?? null,
      state.filter.status ?? null,
      state.filter.claim ?? null,
      state.status,
      state.createdAt,
      state.createdBy,
      state.updatedAt,
      state.previousSecretValidUntil ?? null,
    ],
  );
  return (await findWebhook(client, state.webhookId))!;
};

/** The first secret of an endpoint, in the transaction that registers it; false when it already has another one. */
export const storeFirstWebhookSecret = async (client: Queryable, webhookId: string, secret: string): Promise<boolean> => {
  const { rows } = await client.query<{ secret: string }>('SELECT secret FROM webhook_secrets WHERE webhook_id = $1 ORDER BY id LIMIT 1', [webhookId]);
  if (rows[0]) return rows[0].secret === secret;
  await client.query('INSERT INTO webhook_secrets (webhook_id, secret) VALUES ($1, $2)', [webhookId, secret]);
  return true;
};

/** A rotation: the new secret signs from now on; the older ones until `previousValidUntil` (never longer than they already would). */
export const storeRotatedWebhookSecret = async (client: Queryable, webhookId: string, secret: string, previousValidUntil: string): Promise<void> => {
  await client.query('UPDATE webhook_secrets SET expires_at = $2 WHERE webhook_id = $1 AND (expires_at IS NULL OR expires_at > $2)', [webhookId, previousValidUntil]);
  await client.query('INSERT INTO webhook_secrets (webhook_id, secret) VALUES ($1, $2)', [webhookId, secret]);
};

/**
 * A deleted endpoint signs and receives nothing any more: its secrets go, and what still waited for it is
 * parked with the reason (its events and its deliveries' record stay).
 */
export const retireWebhook = async (client: Queryable, webhookId: string): Promise<void> => {
  // First the endpoint's row: a status change enqueueing for it right now holds it (FOR SHARE, the outbox
  // trigger), so the parking below runs after that commit and parks its delivery too.
  await client.query('SELECT 1 FROM webhook_endpoints WHERE webhook_id = $1 FOR UPDATE', [webhookId]);
  await client.query('DELETE FROM webhook_secrets WHERE webhook_id = $1', [webhookId]);
  await client.query(
    "UPDATE webhook_deliveries SET state = 'failed', failed_at = clock_timestamp(), last_error = 'endpoint deleted', lease_until = NULL, lease_token = NULL WHERE webhook_id = $1 AND state = 'pending'",
    [webhookId],
  );
};

export const findWebhook = async (client: Queryable, webhookId: string): Promise<WebhookRecord | undefined> => {
  const { rows } = await client.query<WebhookRow>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE webhook_id = $1`, [webhookId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
};

export const listWebhooks = async (client: Queryable): Promise<WebhookRecord[]> => {
  const { rows } = await client.query<WebhookRow>(`SELECT ${COLUMNS} FROM webhook_endpoints ORDER BY created_at, webhook_id`);
  return rows.map(toRecord);
};

/** An endpoint as listings show it: never a secret. */
export const toWebhookResponse = (record: WebhookRecord, now: Date): WebhookResponse => ({
  id: record.webhookId,
  url: record.url,
  description: record.description,
  filter: { ...(record.filterStatuses ? { status: record.filterStatuses } : {}), ...(record.filterClaimId ? { claim: record.filterClaimId } : {}) },
  status: record.status,
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  updatedAt: record.updatedAt.toISOString(),
  previousSecretValidUntil: record.previousSecretValidUntil && record.previousSecretValidUntil.getTime() > now.getTime() ? record.previousSecretValidUntil.toISOString() : null,
});
