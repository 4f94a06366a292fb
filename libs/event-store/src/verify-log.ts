import { chainHashOf, contentHashOf, GENESIS_HASH } from './event-hash';
import type { LogPosition } from './event-store.types';
import { compareLogPositions, formatLogPosition } from './log-position';
import type { Queryable } from './event-store.types';
import { eventContentOf, readableHead, type EventContentRow } from './log-reader';

/** Why a link of a stream's chain does not hold. */
export type BrokenLinkReason =
  /** The stored hash is not the hash of the stored content chained to the previous event's hash: an edit, or a swap. */
  | 'hash_mismatch'
  /** The stream skips a version (a deleted event), or does not start at 1. */
  | 'version_gap';

/** The first event of a stream whose link to its predecessor does not verify. */
export interface BrokenLink {
  streamId: string;
  /** The stored version of the event where the chain breaks. */
  version: number;
  /** The version the chain expected there (differs from `version` on a gap). */
  expectedVersion: number;
  position: LogPosition;
  reason: BrokenLinkReason;
  /** Hex SHA-256 the stored content and the previous stored hash chain to. */
  expectedHash: string;
  /** Hex SHA-256 stored in the row. */
  foundHash: string;
}

export interface VerifyLogResult {
  intact: boolean;
  /** The stream checked, or undefined for the whole log. */
  streamId?: string;
  /** The log was checked up to here (inclusive): its head when the check started. Later appends are not covered. */
  checkedUpTo: LogPosition;
  /**
   * Every event at or before this position (in log order) has a verified chain from its stream's genesis.
   * `checkedUpTo` when intact; just before the first broken link otherwise (null when that is the log's first event).
   */
  intactUpTo: LogPosition | null;
  events: number;
  streams: number;
  /** The broken link with the earliest log position (each stream contributes its first one). */
  firstBroken?: BrokenLink;
  brokenStreams: number;
  /** The first broken link of each broken stream, in log order (at most `maxBrokenReported`). */
  broken: BrokenLink[];
}

export interface VerifyLogOptions {
  /** Check one stream only. */
  streamId?: string;
  /** Check up to this position (default: the readable head when the check starts). */
  upTo?: LogPosition;
  /** Rows per query (keyset pagination by stream and version, so memory stays flat). Default 5,000. */
  batchSize?: number;
  maxBrokenReported?: number;
  /** Called after each batch with the number of events it checked. */
  onProgress?: (events: number) => void;
}

interface VerifyRow extends EventContentRow {
  stream_version: string;
  global_position: string;
  transaction_id: string;
  hash: Buffer;
}

const VERIFY_COLUMNS =
  'stream_id, stream_version, global_position, transaction_id::text AS transaction_id, event_id::text AS event_id, event_type, schema_version, data, metadata, recorded_at, hash';

/** The last position a reader can see now (kept here too: callers import it from this module). */
export { readableHead };

/**
 * Checks the hash chain of every stream (or one): versions run 1..n without gaps, and each stored hash is
 * `chainHashOf(previous stored hash, version, contentHashOf(stored content))` from `GENESIS_HASH`. Streams
 * are read in (stream, version) order in batches, so memory does not grow with the log.
 *
 * A deleted *last* event of a stream leaves a valid shorter chain: only a checkpoint (a digest of every
 * stream's head, kept outside the system) shows it. See `verifyCheckpoint`.
 */
export const verifyLog = async (db: Queryable, options: VerifyLogOptions = {}): Promise<VerifyLogResult> => {
  const upTo = options.upTo ?? (await readableHead(db));
  const batchSize = options.batchSize ?? 5000;
  const maxReported = options.maxBrokenReported ?? 100;
  const broken: BrokenLink[] = [];
  let brokenStreams = 0;
  let firstBroken: BrokenLink | undefined;
  let events = 0;
  let streams = 0;

  let currentStream: string | undefined;
  let previousHash: Buffer = GENESIS_HASH;
  let expectedVersion = 1;
  let streamBroken = false;
  let after: [string, number] = [options.streamId ?? '', 0];

  for (;;) {
    const { rows } = await db.query<VerifyRow>({
      name: options.streamId ? 'audit_verify_stream' : 'audit_verify_log',
      text: options.streamId
        ? `SELECT ${VERIFY_COLUMNS} FROM events
            WHERE stream_id = $1 AND stream_version > $2 AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)
            ORDER BY stream_id, stream_version LIMIT $5`
        : `SELECT ${VERIFY_COLUMNS} FROM events
            WHERE (stream_id, stream_version) > ($1, $2) AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)
            ORDER BY stream_id, stream_version LIMIT $5`,
      values: [after[0], after[1], upTo.transactionId, upTo.globalPosition, batchSize],
    });
    for (const row of rows) {
      const version = Number(row.stream_version);
      if (row.stream_id !== currentStream) {
        currentStream = row.stream_id;
        previousHash = GENESIS_HASH;
        expectedVersion = 1;
        streamBroken = false;
        streams += 1;
      }
      events += 1;
      if (streamBroken) continue;
      const content = contentHashOf(eventContentOf(row));
      const expectedHash = chainHashOf(previousHash, version, content);
      const reason: BrokenLinkReason | undefined =
        version !== expectedVersion ? 'version_gap' : expectedHash.equals(row.hash) ? undefined : 'hash_mismatch';
      if (reason) {
        // Later events of this stream chain from a broken link: one report per stream is the useful one.
        streamBroken = true;
        brokenStreams += 1;
        const link: BrokenLink = {
          streamId: row.stream_id,
          version,
          expectedVersion,
          position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
          reason,
          expectedHash: expectedHash.toString('hex'),
          foundHash: row.hash.toString('hex'),
        };
        if (!firstBroken || compareLogPositions(link.position, firstBroken.position) < 0) firstBroken = link;
        broken.push(link);
        broken.sort((a, b) => compareLogPositions(a.position, b.position));
        if (broken.length > maxReported) broken.pop();
        continue;
      }
      previousHash = row.hash;
      expectedVersion = version + 1;
    }
    options.onProgress?.(rows.length);
    if (rows.length < batchSize) break;
    const last = rows[rows.length - 1];
    after = [last.stream_id, Number(last.stream_version)];
  }

  return {
    intact: firstBroken === undefined,
    ...(options.streamId ? { streamId: options.streamId } : {}),
    checkedUpTo: upTo,
    intactUpTo: firstBroken ? await positionBefore(db, firstBroken.position, options.streamId) : upTo,
    events,
    streams,
    ...(firstBroken ? { firstBroken } : {}),
    brokenStreams,
    broken,
  };
};

const positionBefore = async (db: Queryable, position: LogPosition, streamId?: string): Promise<LogPosition | null> => {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    `SELECT transaction_id::text AS transaction_id, global_position FROM events
      WHERE (transaction_id, global_position) < ($1::text::xid8, $2::bigint) ${streamId ? 'AND stream_id = $3' : ''}
      ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`,
    streamId ? [position.transactionId, position.globalPosition, streamId] : [position.transactionId, position.globalPosition],
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : null;
};

/** One line for people: "intact up to position P" or the first broken link. */
export const describeVerification = (result: VerifyLogResult): string => {
  const scope = result.streamId ? `stream ${result.streamId}` : 'log';
  if (result.intact) {
    return `${scope} intact up to position ${formatLogPosition(result.checkedUpTo)} (${result.events} events in ${result.streams} streams)`;
  }
  const link = result.firstBroken as BrokenLink;
  const what =
    link.reason === 'version_gap'
      ? `version ${link.expectedVersion} is missing (found version ${link.version})`
      : `hash mismatch at version ${link.version}`;
  const upTo = result.intactUpTo ? formatLogPosition(result.intactUpTo) : 'none';
  return `${scope} BROKEN: stream ${link.streamId}: ${what} at position ${formatLogPosition(link.position)}: expected ${link.expectedHash}, found ${link.foundHash}; intact up to position ${upTo}; ${result.brokenStreams} broken stream(s)`;
};
