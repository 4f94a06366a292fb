import { context, propagation, trace } from '@opentelemetry/api';
import type { StatusFeedEntryV1, ClaimStatusChangedV1 } from '@claims/contracts';
import { formatLogPosition, LOG_START, LOG_WATERMARK_SQL, type LogPosition, type Queryable } from '@claims/event-store';
import { STATUS_CHANGED_TYPE, STATUS_FEED_ENTRY_TYPE, STATUS_TOPIC } from './feed.topics';
import { toStatusChangedMessage, type ClaimAssessmentChange } from './status-change';

/** A message to publish, as the outbox stores it. */
export interface FeedMessage {
  /** Stable message id (`ce_id`); enqueueing an id that is already stored does nothing. */
  id: string;
  /** Logical topic, e.g. `claims.status.v1`. */
  topic: string;
  /** Kafka key: messages with one key keep their order. */
  key: string;
  /** CloudEvents `type`. */
  type: string;
  /** CloudEvents `subject`. */
  subject: string;
  payload: object;
  occurredAt: Date | string;
  /** W3C trace context to send as `ce_traceparent`; by default the current one, when tracing is on. */
  traceparent?: string;
}

/** A stored outbox row. Its `position` (`transactionId`, outbox id) orders the outbox like the event log. */
export interface OutboxRecord extends Omit<FeedMessage, 'occurredAt'> {
  position: LogPosition;
  occurredAt: Date;
  enqueuedAt: Date;
  publishedAt: Date | null;
}

const ENQUEUE_SQL = `INSERT INTO feed_outbox (message_id, topic, message_key, message_type, subject, payload, occurred_at, traceparent)
  SELECT (m.value->>'id')::uuid, m.value->>'topic', m.value->>'key', m.value->>'type', m.value->>'subject', m.value->'payload',
         (m.value->>'occurredAt')::timestamptz, m.value->>'traceparent'
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS m
   ORDER BY m.ordinality
  ON CONFLICT (message_id) DO NOTHING`;

/**
 * Writes messages to the outbox in the caller's transaction: they become visible to the relay and the HTTP
 * feed when (and only if) that transaction commits, in the order given. Returns how many rows were new.
 */
export const enqueueFeedMessages = async (client: Queryable, messages: readonly FeedMessage[]): Promise<number> => {
  if (messages.length === 0) return 0;
  return tracer.startActiveSpan('outbox.enqueue', { attributes: { 'claim_ledger.outbox.messages': messages.length } }, async (span) => {
    try {
      // The row carries this span's context (none when tracing is off): the relay's publish span continues it.
      const carrier: { traceparent?: string } = {};
      propagation.inject(context.active(), carrier);
      const payload = JSON.stringify(
        messages.map((message) => ({
          ...message,
          occurredAt: message.occurredAt instanceof Date ? message.occurredAt.toISOString() : message.occurredAt,
          traceparent: message.traceparent ?? carrier.traceparent,
        })),
      );
      const result = await client.query({ name: 'feed_outbox_enqueue', text: ENQUEUE_SQL, values: [payload] });
      return result.rowCount ?? 0;
    } finally {
      span.end();
    }
  });
};

const tracer = trace.getTracer('claim-ledger');

/** The outbox message for a status change. */
export const statusChangedFeedMessage = (message: ClaimStatusChangedV1): FeedMessage => ({
  id: message.id,
  topic: STATUS_TOPIC,
  key: message.claimId,
  type: STATUS_CHANGED_TYPE,
  subject: message.claimId,
  payload: message,
  occurredAt: message.occurredAt,
});

/**
 * The projection's one call, inside the transaction that updates the claim's row: enqueues a
 * `claim.status-changed.v1` message when the published status, credibility rating or confidence band
 * differs between `before` and `after`, and does nothing otherwise. Returns the message, if any.
 */
export const enqueueStatusChange = async (client: Queryable, change: ClaimAssessmentChange): Promise<ClaimStatusChangedV1 | undefined> => {
  const message = toStatusChangedMessage(change);
  if (message) await enqueueFeedMessages(client, [statusChangedFeedMessage(message)]);
  return message;
};

interface OutboxRow {
  id: string;
  transaction_id: string;
  message_id: string;
  topic: string;
  message_key: string;
  message_type: string;
  subject: string;
  payload: object;
  occurred_at: Date;
  enqueued_at: Date;
  published_at: Date | null;
  traceparent: string | null;
}

const COLUMNS =
  'id, transaction_id::text AS transaction_id, message_id, topic, message_key, message_type, subject, payload, occurred_at, enqueued_at, published_at, traceparent';

// The same watermark as the event log: a row of a transaction below it can no longer appear (the outbox,
// like the log, refuses rows from marked log readers, which the watermark passes).
const READ_SQL = `SELECT ${COLUMNS} FROM feed_outbox
  WHERE (transaction_id, id) > ($1::text::xid8, $2::bigint) AND topic = $3
    AND transaction_id < ${LOG_WATERMARK_SQL}
  ORDER BY feed_outbox.transaction_id, feed_outbox.id LIMIT $4`;

// The relay marks each row it published, so it needs no gap-safe cursor: a row that commits late is still
// unpublished when it becomes visible, and the next read takes it. It therefore reads every committed row
// at once, without waiting for the watermark (older transactions still running, which at a few hundred
// commands a second held a row back for as long as a concurrent command ran). Per-key order is kept by
// `id`: every writer of a key's messages holds that key's lock until it commits (the claim lock: commands
// and re-assessment batches; a model-upgrade swap holds SHARE on events, which appends wait for), so a
// key's next message draws its id after its previous one
// committed and sorts after it; ordering by transaction id instead would not (an older transaction that
// waited on the lock commits after a younger one).
const PENDING_SQL = `SELECT ${COLUMNS} FROM feed_outbox
  WHERE published_at IS NULL
  ORDER BY feed_outbox.id LIMIT $1`;

const toRecord = (row: OutboxRow): OutboxRecord => ({
  position: { transactionId: row.transaction_id, globalPosition: Number(row.id) },
  id: row.message_id,
  topic: row.topic,
  key: row.message_key,
  type: row.message_type,
  subject: row.subject,
  payload: row.payload,
  occurredAt: row.occurred_at,
  enqueuedAt: row.enqueued_at,
  publishedAt: row.published_at,
  ...(row.traceparent ? { traceparent: row.traceparent } : {}),
});

/** Reads one topic's outbox rows after a position, in outbox order; never a row a later read could place before `after`. */
export const readOutbox = async (db: Queryable, options: { topic: string; after?: LogPosition; limit?: number }): Promise<OutboxRecord[]> => {
  const after = options.after ?? LOG_START;
  const { rows } = await db.query<OutboxRow>({
    name: 'feed_outbox_read',
    text: READ_SQL,
    values: [after.transactionId, after.globalPosition, options.topic, options.limit ?? 500],
  });
  return rows.map(toRecord);
};

/** The oldest unpublished rows (all topics), in outbox order. */
export const readPendingOutbox = async (db: Queryable, limit: number): Promise<OutboxRecord[]> => {
  const { rows } = await db.query<OutboxRow>({ name: 'feed_outbox_pending', text: PENDING_SQL, values: [limit] });
  return rows.map(toRecord);
};

/** Marks rows published (after the broker acknowledged them). */
export const markPublished = async (db: Queryable, ids: readonly number[]): Promise<void> => {
  if (ids.length === 0) return;
  await db.query({ name: 'feed_outbox_mark', text: 'UPDATE feed_outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[]) AND published_at IS NULL', values: [ids] });
};

/** True when unpublished rows exist that the watermark still hides (their transaction's elders still run). */
export const hasHeldBackPending = async (db: Queryable): Promise<boolean> => {
  const { rows } = await db.query<{ exists: boolean }>({
    name: 'feed_outbox_held_back',
    text: 'SELECT EXISTS (SELECT 1 FROM feed_outbox WHERE published_at IS NULL) AS exists',
  });
  return rows[0]?.exists ?? false;
};

/** Outbox backlog for /health. */
export const outboxBacklog = async (db: Queryable): Promise<{ pending: number; oldestPendingAt: Date | null }> => {
  const { rows } = await db.query<{ pending: number; oldest: Date | null }>(
    'SELECT count(*)::int AS pending, min(enqueued_at) AS oldest FROM feed_outbox WHERE published_at IS NULL',
  );
  return { pending: rows[0]?.pending ?? 0, oldestPendingAt: rows[0]?.oldest ?? null };
};

export interface StatusFeedFilter {
  /** Only changes to one of these published statuses. */
  statuses?: readonly string[];
  claimId?: string;
}

export interface StatusFeedPage {
  items: StatusFeedEntryV1[];
  /** The cursor to continue from: past every row examined, matching or not. */
  next: LogPosition;
  hasMore: boolean;
}

/**
 * A page of the status-change feed after `after`. Filters are applied while scanning at most `scanLimit`
 * rows, so a page may hold fewer than `limit` items while `hasMore` is true; `next` still moves past the
 * rows examined, so following `next` never re-reads or skips one.
 */
export const readStatusFeed = async (
  db: Queryable,
  options: { after?: LogPosition; limit: number; filter?: StatusFeedFilter; scanLimit?: number },
): Promise<StatusFeedPage> => {
  const filter = options.filter ?? {};
  const filtered = Boolean(filter.statuses?.length || filter.claimId);
  const scanLimit = filtered ? Math.max(options.scanLimit ?? 2000, options.limit) : options.limit;
  const rows = await readOutbox(db, { topic: STATUS_TOPIC, after: options.after, limit: scanLimit + 1 });
  const items: StatusFeedEntryV1[] = [];
  let next = options.after ?? LOG_START;
  let examined = 0;
  for (const row of rows.slice(0, scanLimit)) {
    const message = row.payload as ClaimStatusChangedV1;
    const matches =
      (!filter.claimId || message.claimId === filter.claimId) && (!filter.statuses?.length || filter.statuses.includes(message.current.status));
    if (matches) {
      if (items.length === options.limit) break;
      items.push({ position: formatLogPosition(row.position), type: STATUS_FEED_ENTRY_TYPE, message });
    }
    next = row.position;
    examined++;
  }
  return { items, next, hasMore: rows.length > examined };
};

/** The position of the last row of a topic readable now (the start when there is none): where a tail begins. */
export const outboxHead = async (db: Queryable, topic: string): Promise<LogPosition> => {
  const { rows } = await db.query<{ transaction_id: string; id: string }>({
    name: 'feed_outbox_head',
    text: `SELECT transaction_id::text AS transaction_id, id FROM feed_outbox
      WHERE topic = $1 AND transaction_id < ${LOG_WATERMARK_SQL}
      ORDER BY feed_outbox.transaction_id DESC, feed_outbox.id DESC LIMIT 1`,
    values: [topic],
  });
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.id) } : LOG_START;
};
