import type { QueryResultRow } from 'pg';
import type { HashedContent } from './event-hash';
import type { LogPosition, Queryable, ReadAllOptions, ReadAllResult, ReadStreamOptions, RecordedEvent } from './event-store.types';
import { LOG_START } from './log-position';
import { LOG_WATERMARK_SQL } from './log-watermark';

// Reads of the log and of streams. Every read of the global log takes only rows below the log's watermark
// (LOG_WATERMARK_SQL): rows of transactions still running, or that started after the oldest running
// writer, are not read yet. Ordering by the full (transaction_id, global_position) key keeps the order fixed
// for all readers.

const EVENT_COLUMNS =
  "global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, encode(hash, 'hex') AS hash";

/** @internal exported for the plan test: the log read must walk the primary key, never sort. */
export const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
    AND transaction_id < ${LOG_WATERMARK_SQL}
  ORDER BY events.transaction_id, events.global_position
  LIMIT $3`;

const HEAD_SQL = `SELECT transaction_id::text AS transaction_id, global_position FROM events
  WHERE transaction_id < ${LOG_WATERMARK_SQL}
  ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`;

/** The columns of an event row that its content hash covers (see event-hash.ts). */
export interface EventContentRow extends QueryResultRow {
  stream_id: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: object;
  metadata: object;
  recorded_at: Date;
}

/** An event row as the store's reads select it (`EVENT_COLUMNS`); node-postgres's types. */
export interface EventRow extends EventContentRow {
  global_position: string;
  transaction_id: string;
  stream_version: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  hash: string;
}

/** An event row's hashed content, under the names the store's types use. */
export const eventContentOf = <Row extends EventContentRow>(row: Row): HashedContent & Pick<Row, 'data' | 'metadata'> => ({
  streamId: row.stream_id,
  eventId: row.event_id,
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

/** An event row in the store's shape: for reads that select the store's columns themselves (a caller's function). */
export const recordedEventOfRow = (row: EventRow): RecordedEvent => ({
  globalPosition: Number(row.global_position),
  transactionId: row.transaction_id,
  streamVersion: Number(row.stream_version),
  ...eventContentOf(row),
  hash: row.hash,
});

/** One stream's events in version order (or reverse with `direction: 'backward'`). Versions are inclusive. */
export const readStreamEvents = async (db: Queryable, streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
  const backward = options.direction === 'backward';
  const { rows } = await db.query<EventRow>({
    name: backward ? 'event_store_read_stream_backward' : 'event_store_read_stream_forward',
    text: `SELECT ${EVENT_COLUMNS} FROM events
      WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3
      ORDER BY stream_version ${backward ? 'DESC' : 'ASC'} LIMIT $4`,
    values: [streamId, options.fromVersion ?? 1, options.toVersion ?? Number.MAX_SAFE_INTEGER, options.limit ?? null],
  });
  return rows.map(recordedEventOfRow);
};

/** The stream's current version as `db` sees it: the number of its events, 0 when it has none. */
export const streamVersionOf = async (db: Queryable, streamId: string): Promise<number> => {
  const { rows } = await db.query<{ version: string | null }>({
    name: 'event_store_stream_version',
    text: 'SELECT max(stream_version) AS version FROM events WHERE stream_id = $1',
    values: [streamId],
  });
  return Number(rows[0]?.version ?? 0);
};

/**
 * The global log after a position, in its fixed order. Never returns an event a later read could place
 * before `after`: events of transactions still in flight wait until those transactions end.
 */
export const readLog = async (db: Queryable, options: ReadAllOptions = {}): Promise<ReadAllResult> => {
  const after = options.after ?? LOG_START;
  const { rows } = await db.query<EventRow>({ name: 'event_store_read_all', text: READ_ALL_SQL, values: [after.transactionId, after.globalPosition, options.limit ?? 1000] });
  const events = rows.map(recordedEventOfRow);
  const last = events.at(-1);
  return { events, next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after };
};

/** The position of the last event a reader can see now (the start of the log when there is none). */
export const readableHead = async (db: Queryable): Promise<LogPosition> => {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>({ name: 'event_store_head', text: HEAD_SQL });
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : LOG_START;
};

/** True when the log holds events after `position`, readable or not yet (their transactions' elders still run). */
export const logHasEventsAfter = async (db: Queryable, position: LogPosition): Promise<boolean> => {
  const { rows } = await db.query<{ exists: boolean }>({
    name: 'event_store_has_after',
    text: 'SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)) AS exists',
    values: [position.transactionId, position.globalPosition],
  });
  return rows[0]?.exists ?? false;
};
