import type { LogPosition, Queryable } from './event-store.types';
import { LOG_WATERMARK_SQL } from './log-watermark';

/**
 * Reads of the log by stream prefix ("category"), for replays (projection rebuilds) and status reports. The
 * store knows nothing of what a prefix means; the application names its streams in one module and passes
 * the prefixes it wants.
 */

/** An event as a replay reads it: what a fold needs, without metadata or hash. */
export interface ReplayEvent {
  streamId: string;
  streamVersion: number;
  position: LogPosition;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}

interface ReplayRow {
  stream_id: string;
  stream_version: string;
  transaction_id: string;
  global_position: string;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
}

const REPLAY_COLUMNS = 'stream_id, stream_version, transaction_id::text AS transaction_id, global_position, event_type, schema_version, data';

const toReplayEvent = (row: ReplayRow): ReplayEvent => ({
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: row.data,
});

/** `LIKE` patterns matching the stream ids that begin with each prefix (its `%`, `_` and `\` taken literally). */
const likePatterns = (prefixes: readonly string[]): string[] => prefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`);

// Fixed texts, so each is prepared once per connection (a rebuild runs them thousands of times).
const IN_LOG_ORDER_UP_TO = `SELECT ${REPLAY_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)
    AND stream_id LIKE ANY($5::text[])
  ORDER BY events.transaction_id, events.global_position LIMIT $6`;
const IN_LOG_ORDER_ALL_COMMITTED = `SELECT ${REPLAY_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) AND stream_id LIKE ANY($3::text[])
  ORDER BY events.transaction_id, events.global_position LIMIT $4`;
const BY_STREAM = `SELECT ${REPLAY_COLUMNS} FROM events
  WHERE (stream_id, stream_version) > ($1, $2) AND stream_id LIKE $3
    AND (transaction_id, global_position) <= ($4::text::xid8, $5::bigint)
  ORDER BY stream_id, stream_version LIMIT $6`;
const ONE_STREAM = `SELECT ${REPLAY_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`;

/**
 * Events of the streams beginning with one of `prefixes`, after `after`, in log order (`(transaction_id,
 * global_position)`), at most `limit`.
 *
 * `upTo` bounds the read at a position already known to be readable (e.g. `readableHead()`): nothing at or
 * before it can still appear. Without `upTo` the read takes every event committed and visible to `db`,
 * ignoring the log's watermark: only correct while the caller holds off every writer of those streams
 * (say, under a lock each of their transactions takes), or a late commit could be skipped.
 */
export const readLogByPrefix = async (
  db: Queryable,
  options: { prefixes: readonly string[]; after: LogPosition; upTo?: LogPosition; limit?: number },
): Promise<ReplayEvent[]> => {
  const { after, upTo } = options;
  const limit = options.limit ?? null;
  const { rows } = upTo
    ? await db.query<ReplayRow>({
        name: 'event_store_log_by_prefix_up_to',
        text: IN_LOG_ORDER_UP_TO,
        values: [after.transactionId, after.globalPosition, upTo.transactionId, upTo.globalPosition, likePatterns(options.prefixes), limit],
      })
    : await db.query<ReplayRow>({
        name: 'event_store_log_by_prefix_all',
        text: IN_LOG_ORDER_ALL_COMMITTED,
        values: [after.transactionId, after.globalPosition, likePatterns(options.prefixes), limit],
      });
  return rows.map(toReplayEvent);
};

/**
 * Events of the streams beginning with `prefix`, each stream's together in version order: streams after
 * `after` (a stream id and version: the last event of the previous batch), up to the log position `upTo`,
 * at most `limit`. What a replay that folds one stream at a time reads.
 */
export const readStreamsByPrefix = async (
  db: Queryable,
  options: { prefix: string; after: readonly [streamId: string, version: number]; upTo: LogPosition; limit: number },
): Promise<ReplayEvent[]> => {
  const { rows } = await db.query<ReplayRow>({
    name: 'event_store_streams_by_prefix',
    text: BY_STREAM,
    values: [options.after[0], options.after[1], likePatterns([options.prefix])[0], options.upTo.transactionId, options.upTo.globalPosition, options.limit],
  });
  return rows.map(toReplayEvent);
};

/** One stream's events in version order, as a replay reads them. */
export const readStreamForReplay = async (db: Queryable, streamId: string): Promise<ReplayEvent[]> => {
  const { rows } = await db.query<ReplayRow>({ name: 'event_store_one_stream_replay', text: ONE_STREAM, values: [streamId] });
  return rows.map(toReplayEvent);
};

const SOME_STREAMS = `SELECT ${REPLAY_COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`;

/** Several streams' events, each stream's together in version order (streams in id order), in one read. */
export const readStreamsForReplay = async (db: Queryable, streamIds: readonly string[]): Promise<ReplayEvent[]> => {
  const { rows } = await db.query<ReplayRow>({ name: 'event_store_some_streams_replay', text: SOME_STREAMS, values: [streamIds] });
  return rows.map(toReplayEvent);
};

/**
 * How many events of the streams beginning with one of `prefixes` lie after `after` (default: the log's
 * start) and up to `upTo` (default: the log's watermark, i.e. what a reader can take now).
 */
export const countLogEvents = async (db: Queryable, options: { prefixes: readonly string[]; after?: LogPosition; upTo?: LogPosition }): Promise<number> => {
  const after = options.after ?? { transactionId: '0', globalPosition: 0 };
  const { rows } = options.upTo
    ? await db.query<{ count: string }>(
        `SELECT count(*) AS count FROM events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)
            AND stream_id LIKE ANY($5::text[])`,
        [after.transactionId, after.globalPosition, options.upTo.transactionId, options.upTo.globalPosition, likePatterns(options.prefixes)],
      )
    : await db.query<{ count: string }>(
        `SELECT count(*) AS count FROM events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) AND transaction_id < ${LOG_WATERMARK_SQL}
            AND stream_id LIKE ANY($3::text[])`,
        [after.transactionId, after.globalPosition, likePatterns(options.prefixes)],
      );
  return Number(rows[0].count);
};

/** The log position of the event at `globalPosition` (a projection row records only that), or undefined. */
export const logPositionAt = async (db: Queryable, globalPosition: number): Promise<LogPosition | undefined> => {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    'SELECT transaction_id::text AS transaction_id, global_position FROM events WHERE global_position = $1',
    [globalPosition],
  );
  return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) } : undefined;
};
