import type { Queryable } from '@claims/event-store';

export const WEBHOOK_CHANNEL = 'webhook_deliveries_enqueued';

/** A delivery taken by one dispatcher for one attempt. */
export interface LeasedDelivery {
  id: number;
  webhookId: string;
  messageId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  url: string;
  payload: object;
  /** The secrets that sign now, newest first (two during a rotation's grace period). */
  secrets: string[];
}

// Per endpoint and claim only the oldest pending delivery (outbox order, under the log's watermark) may be
// sent: the next waits until it succeeded or was parked. A leased head (in flight elsewhere) holds its
// queue too. SKIP LOCKED lets several dispatchers take disjoint batches; the re-check of the locked row's
// state and lease drops one another dispatcher took in the meantime.
const LEASE_SQL = `WITH wm AS MATERIALIZED (SELECT log_watermark() AS w),
  heads AS (
    SELECT DISTINCT ON (d.webhook_id, d.claim_id) d.id
      FROM webhook_deliveries d
     WHERE d.state = 'pending' AND d.transaction_id < (SELECT w FROM wm)
     ORDER BY d.webhook_id, d.claim_id, d.transaction_id, d.id
  ),
  due AS (
    SELECT d.id FROM webhook_deliveries d
      JOIN heads h ON h.id = d.id
      JOIN webhook_endpoints e ON e.webhook_id = d.webhook_id AND e.status = 'active'
     WHERE d.state = 'pending' AND d.next_attempt_at <= clock_timestamp() AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp())
     ORDER BY d.next_attempt_at, d.id
     LIMIT $1
       FOR UPDATE OF d SKIP LOCKED
  )
UPDATE webhook_deliveries d
   SET attempts = d.attempts + 1, lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000), lease_token = $3
  FROM due, feed_outbox o, webhook_endpoints e
 WHERE d.id = due.id AND o.id = d.outbox_id AND e.webhook_id = d.webhook_id
RETURNING d.id, d.webhook_id, d.message_id, d.attempts, e.url, o.payload,
  ARRAY(SELECT s.secret FROM webhook_secrets s WHERE s.webhook_id = d.webhook_id AND (s.expires_at IS NULL OR s.expires_at > clock_timestamp()) ORDER BY s.id DESC) AS secrets`;

/** Leases up to `limit` due deliveries for `leaseMs`; past it, a dispatcher that died is presumed gone and the delivery is due again. */
export const leaseDueDeliveries = async (db: Queryable, options: { limit: number; leaseMs: number; token: string }): Promise<LeasedDelivery[]> => {
  const { rows } = await db.query<{ id: string; webhook_id: string; message_id: string; attempts: number; url: string; payload: object; secrets: string[] }>({
    name: 'webhook_lease',
    text: LEASE_SQL,
    values: [options.limit, options.leaseMs, options.token],
  });
  return rows
    .map((row) => ({ id: Number(row.id), webhookId: row.webhook_id, messageId: row.message_id, attempt: row.attempts, url: row.url, payload: row.payload, secrets: row.secrets }))
    .sort((a, b) => a.id - b.id);
};

/** True when some delivery waits (a cheap look before the leasing query). */
export const hasPendingDeliveries = async (db: Queryable): Promise<boolean> => {
  const { rows } = await db.query<{ exists: boolean }>({ name: 'webhook_pending', text: "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE state = 'pending') AS exists" });
  return rows[0]?.exists ?? false;
};

export interface AttemptRecord {
  deliveryId: number;
  attempt: number;
  token: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

/** Records an attempt that succeeded. A dispatcher whose lease passed to another records the attempt, not the state. */
export const recordDeliverySuccess = async (db: Queryable, attempt: AttemptRecord): Promise<void> => {
  await insertAttempt(db, attempt);
  await db.query({
    name: 'webhook_succeeded',
    text: `UPDATE webhook_deliveries SET state = 'succeeded', delivered_at = clock_timestamp(), last_error = NULL, lease_until = NULL, lease_token = NULL
            WHERE id = $1 AND lease_token = $2`,
    values: [attempt.deliveryId, attempt.token],
  });
};

/**
 * Records an attempt that failed: retried after `retryDelayMs`, but never past the horizon counted from
 * `retry_from` (the last retry is made at the horizon); an attempt at or past it parks the delivery as
 * `failed` with its error.
 */
export const recordDeliveryFailure = async (db: Queryable, attempt: AttemptRecord, options: { retryDelayMs: number; horizonMs: number }): Promise<'pending' | 'failed'> => {
  await insertAttempt(db, attempt);
  const { rows } = await db.query<{ state: 'pending' | 'failed' }>({
    name: 'webhook_failed',
    text: `UPDATE webhook_deliveries d
              SET state = CASE WHEN parked THEN 'failed' ELSE 'pending' END,
                  failed_at = CASE WHEN parked THEN clock_timestamp() END,
                  next_attempt_at = least(clock_timestamp() + make_interval(secs => $3::double precision / 1000), horizon),
                  last_error = $5, lease_until = NULL, lease_token = NULL
             FROM (SELECT id, retry_from + make_interval(secs => $4::double precision / 1000) AS horizon,
                          retry_from + make_interval(secs => $4::double precision / 1000) <= clock_timestamp() AS parked
                     FROM webhook_deliveries WHERE id = $1) h
            WHERE d.id = h.id AND d.lease_token = $2
        RETURNING d.state`,
    values: [attempt.deliveryId, attempt.token, options.retryDelayMs, options.horizonMs, attempt.error],
  });
  return rows[0]?.state ?? 'pending';
};

const insertAttempt = (db: Queryable, attempt: AttemptRecord) =>
  db.query({
    name: 'webhook_attempt',
    text: `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    values: [attempt.deliveryId, attempt.attempt, attempt.startedAt, attempt.durationMs, attempt.statusCode, attempt.error],
  });

/** Puts a parked delivery back in its queue, due now, with a fresh horizon. False when it is not parked. */
export const requeueFailedDelivery = async (db: Queryable, webhookId: string, deliveryId: number): Promise<boolean> => {
  const result = await db.query({
    name: 'webhook_requeue',
    text: `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = clock_timestamp(), retry_from = clock_timestamp(), failed_at = NULL
            WHERE id = $1 AND webhook_id = $2 AND state = 'failed'`,
    values: [deliveryId, webhookId],
  });
  if ((result.rowCount ?? 0) > 0) await db.query(`SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`);
  return (result.rowCount ?? 0) > 0;
};

export interface DeliveryView {
  id: number;
  messageId: string;
  claimId: string;
  state: 'pending' | 'succeeded' | 'failed';
  enqueuedAt: Date;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
  attempts: Array<{ attempt: number; at: Date; durationMs: number; statusCode: number | null; error: string | null }>;
}

/** An endpoint's deliveries after `after` (by id), oldest first, with their attempts. */
export const listDeliveries = async (
  db: Queryable,
  webhookId: string,
  options: { after?: number; limit: number; state?: DeliveryView['state']; deliveryId?: number },
): Promise<DeliveryView[]> => {
  const { rows } = await db.query<{
    id: string;
    message_id: string;
    claim_id: string;
    state: DeliveryView['state'];
    enqueued_at: Date;
    next_attempt_at: Date;
    delivered_at: Date | null;
    failed_at: Date | null;
    last_error: string | null;
    attempts: Array<{ attempt: number; started_at: string; duration_ms: number; status_code: number | null; error: string | null }>;
  }>(
    `SELECT d.id, d.message_id, d.claim_id, d.state, d.enqueued_at, d.next_attempt_at, d.delivered_at, d.failed_at, d.last_error,
            coalesce((SELECT json_agg(a ORDER BY a.attempt) FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id), '[]') AS attempts
       FROM webhook_deliveries d
      WHERE d.webhook_id = $1 AND d.id > $2 AND ($3::text IS NULL OR d.state = $3) AND ($5::bigint IS NULL OR d.id = $5)
      ORDER BY d.id LIMIT $4`,
    [webhookId, options.after ?? 0, options.state ?? null, options.limit, options.deliveryId ?? null],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    messageId: row.message_id,
    claimId: row.claim_id,
    state: row.state,
    enqueuedAt: row.enqueued_at,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at : null,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
    lastError: row.last_error,
    attempts: row.attempts.map((a) => ({ attempt: a.attempt, at: new Date(a.started_at), durationMs: a.duration_ms, statusCode: a.status_code, error: a.error })),
  }));
};
