import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { EventIdConflict, InvalidAppend, isUniqueViolation, WrongExpectedVersion } from './event-store.errors';
import type {
  AppendResult,
  ExpectedVersion,
  LogPosition,
  Queryable,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store.types';
import { canonicalContentOf, canonicalJson, chainHashOf, contentHashOf, GENESIS_HASH } from './event-hash';
import { GroupCommit, insertInTransaction } from './group-commit';
import { LOG_START } from './log-position';
import { LOG_WATERMARK_SQL } from './log-watermark';
import { APPENDED_CHANNEL, PgChannelListener } from './pg-channel-listener';
import { Subscription, type SubscriptionHandler, type SubscriptionOptions } from './subscription';
import { type EventStoreLogger, stderrLogger } from './event-store.logger';


export interface AppendOptions {
  /** Defaults to `'any'`. */
  expectedVersion?: ExpectedVersion;
  /**
   * Append inside the caller's transaction (e.g. to update a projection atomically with the events).
   * A concurrency conflict then aborts that transaction, so the store cannot retry on its own.
   */
  client?: PoolClient;
  /**
   * The stream's last event as the caller read it (e.g. `handleCommand` after folding the stream). With
   * `expectedVersion` equal to its version, a single event is written with one plain INSERT: its hash is
   * chained here, no head lookup is needed, and the unique indexes still refuse a stale expectation.
   */
  head?: StreamHead;
}

/** A stream's last event: its version and hash (hex). Immutable once committed, so it can be cached. */
export interface StreamHead {
  version: number;
  hash: string;
}

export interface PgEventStoreOptions {
  pool: Pool;
  logger?: EventStoreLogger;
  /**
   * Group commit of single-event appends on the store's own connections (see `GroupCommit`): at most this
   * many insert statements at once (default 2); appends arriving meanwhile share the next statement and its
   * commit. 0 turns it off (every append is its own statement).
   */
  groupCommitStatements?: number;
}

// The whole happy path in one statement: find the stream's head, check the expectation, insert. When the
// expectation fails nothing is inserted and the head comes back; unique indexes settle races between writers.
const APPEND_SQL = `WITH RECURSIVE head AS (
    SELECT coalesce(h.stream_version, 0) AS version, coalesce(h.hash, '\\x${'00'.repeat(32)}'::bytea) AS hash
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT e.stream_version, e.hash FROM events e WHERE e.stream_id = $1 ORDER BY e.stream_version DESC LIMIT 1) h ON true
  ), batch AS (
    SELECT n.ordinality AS ordinal, n.value FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS n
  ), chain AS (
    SELECT b.ordinal, head.version + 1 AS version,
           sha256(head.hash || int8send(head.version + 1) || decode(b.value->>'contentHash', 'hex')) AS hash, b.value
      FROM head JOIN batch b ON b.ordinal = 1
    UNION ALL
    SELECT b.ordinal, c.version + 1, sha256(c.hash || int8send(c.version + 1) || decode(b.value->>'contentHash', 'hex')), b.value
      FROM chain c JOIN batch b ON b.ordinal = c.ordinal + 1
  ), inserted AS (
    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
    SELECT $1, c.version, (c.value->>'eventId')::uuid, c.value->>'type', (c.value->>'schemaVersion')::int,
           c.value->'data', c.value->'metadata', (c.value->>'recordedAt')::timestamptz, c.hash
      FROM chain c, head
     WHERE CASE $3::text WHEN 'any' THEN true WHEN 'no_stream' THEN head.version = 0
                        WHEN 'stream_exists' THEN head.version > 0 ELSE head.version = $4::bigint END
     ORDER BY c.ordinal
    RETURNING global_position, transaction_id
  )
  SELECT (SELECT version FROM head) AS head_version,
         array_agg(i.global_position ORDER BY i.global_position) AS positions,
         (array_agg(i.transaction_id::text))[1] AS transaction_id
    FROM inserted i`;

// Only when the happy path wrote nothing: are these events already stored (a retry), or do their ids clash?
// LATERAL ... LIMIT 1 keeps this an index lookup per event, whatever the planner thinks of the table's size.
const STORED_EVENTS_SQL = `SELECT n.ordinality AS ordinal, e.global_position, e.stream_version, e.transaction_id::text AS transaction_id, e.recorded_at,
         (e.stream_id = $1 AND e.event_type = n.value->>'type' AND e.schema_version = (n.value->>'schemaVersion')::int
           AND e.data = n.value->'data') AS same_content
    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS n
    LEFT JOIN LATERAL (SELECT * FROM events x WHERE x.event_id = (n.value->>'eventId')::uuid LIMIT 1) e ON true
   ORDER BY n.ordinality`;

const EVENT_COLUMNS =
  "global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, encode(hash, 'hex') AS hash";

// The watermark: rows of transactions still running, or that started after the oldest running one, are not
// read yet. Ordering by the full (transaction_id, global_position) key keeps the order fixed for all readers.
/** @internal exported for the plan test: the log read must walk the primary key, never sort. */
export const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
    AND transaction_id < ${LOG_WATERMARK_SQL}
  ORDER BY events.transaction_id, events.global_position
  LIMIT $3`;

const MAX_APPEND_ATTEMPTS = 20;
const NOTIFY_INTERVAL_MS = 10;
/** Stream heads remembered per store (least recently used dropped first). */
const HEAD_CACHE_SIZE = 10_000;
const DEFAULT_GROUP_COMMIT_STATEMENTS = 2;
/** Appends one group-commit statement carries at most. */
const MAX_GROUP_COMMIT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A PostgreSQL event store: streams of events with optimistic concurrency and idempotent appends, a
 * gap-safe global log, and durable subscriptions. See the README's "Event store guarantees".
 */
export class PgEventStore {
  readonly pool: Pool;
  readonly logger: EventStoreLogger;
  private notifier?: PgChannelListener;
  private notifyTimer?: NodeJS.Timeout;
  private readonly subscriptions = new Set<Subscription>();
  /** Committed stream heads seen by this process (appends and reads outside callers' transactions). */
  private readonly heads = new Map<string, StreamHead>();
  private readonly groupCommit: GroupCommit;

  constructor(options: PgEventStoreOptions) {
    this.pool = options.pool;
    this.logger = options.logger ?? stderrLogger;
    const statements = options.groupCommitStatements ?? DEFAULT_GROUP_COMMIT_STATEMENTS;
    this.groupCommit = new GroupCommit(this.pool, { statementsInFlight: statements > 0 ? statements : Number.POSITIVE_INFINITY, maxBatch: statements > 0 ? MAX_GROUP_COMMIT : 1 });
  }

  /**
   * Appends events to a stream atomically, in one round trip. Throws `WrongExpectedVersion` when the
   * stream is not as expected, `EventIdConflict` when an event id is stored with other content. Appending
   * events whose ids are all stored already (a retry) succeeds with `written: false` and writes nothing.
   */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (!streamId) throw new InvalidAppend('stream id must not be empty');
    if (events.length === 0) throw new InvalidAppend('events must not be empty');
    const expectedVersion = options.expectedVersion ?? 'any';
    const [kind, version] = toExpectation(expectedVersion);
    const recordedAt = new Date();
    const shapes = events.map((event, index) => toStoredShape(streamId, recordedAt, event, index));
    const db: Queryable = options.client ?? this.pool;

    const expectedNumber = expectedVersion === 'no_stream' ? 0 : expectedVersion;
    const head = typeof expectedNumber === 'number' && shapes.length === 1 ? this.knownHead(streamId, expectedNumber, options) : undefined;
    if (head) {
      const written = await this.insertOne(streamId, head, shapes[0], recordedAt, options);
      if (written) return written;
      // Nothing written: the version or the event id is taken. The general statement says which.
    }

    const payload = JSON.stringify(shapes.map(toBatchElement));
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await db.query<AppendRow>({ name: 'event_store_append', text: APPEND_SQL, values: [streamId, payload, kind, version] });
        const row = rows[0];
        if (row.positions) {
          if (!options.client) this.signalAppended();
          return {
            nextExpectedVersion: Number(row.head_version) + events.length,
            positions: row.positions.map(Number),
            lastPosition: { transactionId: row.transaction_id ?? '0', globalPosition: Number(row.positions[row.positions.length - 1]) },
            written: true,
            recordedAt,
          };
        }
        const stored = await this.findStoredAppend(db, streamId, payload);
        if (stored) return stored;
        throw new WrongExpectedVersion(streamId, expectedVersion, Number(row.head_version));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another writer committed the same stream version or event id between our read of the head and
        // our insert: a concurrent retry of this very append, a clashing event id, or a lost race for the
        // version (running the append again then refuses it, or for 'any' takes the next version).
        if (!options.client && attempt < MAX_APPEND_ATTEMPTS) {
          if (error.constraint === 'events_event_id_unique') {
            const stored = await this.findStoredAppend(this.pool, streamId, payload);
            if (stored) return stored;
          }
          continue;
        }
        // Inside the caller's transaction the failed statement aborted it: report, the caller retries.
        if (error.constraint === 'events_event_id_unique') throw new EventIdConflict(streamId, events[0]?.eventId ?? '');
        throw new WrongExpectedVersion(streamId, expectedVersion, await this.streamVersion(streamId));
      }
    }
  }

  /** The fast path: one event after a known head, in the caller's transaction or by group commit. Undefined when a unique index refused it. */
  private async insertOne(streamId: string, head: StreamHead, shape: StoredShape, recordedAt: Date, options: AppendOptions): Promise<AppendResult | undefined> {
    const version = head.version + 1;
    const hash = chainHashOf(Buffer.from(head.hash, 'hex'), version, shape.contentHash);
    const insert = { streamId, version, eventId: shape.eventId, type: shape.type, schemaVersion: shape.schemaVersion, data: shape.canonicalData, metadata: shape.canonicalMetadata, recordedAt: shape.recordedAt, hash };
    // A stale expectation or a taken event id makes a unique index refuse the row; the general statement then says which.
    const outcome = options.client ? await insertInTransaction(options.client, insert) : await this.groupCommit.insert(insert);
    if (!outcome) return undefined;
    const position = Number(outcome.globalPosition);
    if (!options.client) {
      this.rememberHead(streamId, { version, hash: hash.toString('hex') });
      this.signalAppended();
    }
    return { nextExpectedVersion: version, positions: [position], lastPosition: { transactionId: outcome.transactionId, globalPosition: position }, written: true, recordedAt };
  }

  /** The head the caller passed, or one this process saw committed, when it is at `expectedVersion` (0: no stream yet). */
  private knownHead(streamId: string, expectedVersion: number, options: AppendOptions): StreamHead | undefined {
    if (expectedVersion === 0) return { version: 0, hash: GENESIS_HASH.toString('hex') };
    const head = options.head ?? (options.client ? undefined : this.heads.get(streamId));
    return head?.version === expectedVersion ? head : undefined;
  }

  /** Only committed heads: a head inside a caller's transaction could still be rolled back. */
  private rememberHead(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) this.heads.delete(this.heads.keys().next().value as string);
  }

  /**
   * Tells subscribers in other processes that the log grew (they also poll, so this only cuts latency).
   * Sent outside the append's transaction and at most once per interval: NOTIFY inside a transaction
   * serialises every notifying commit on a server-wide lock. Call it after committing a transaction in
   * which you appended with `client`.
   */
  signalAppended(): void {
    this.notifier?.wakeLocal();
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      if ((this.pool as Pool & { ending?: boolean }).ending) return;
      this.pool.query(`SELECT pg_notify('${APPENDED_CHANNEL}', '')`).catch((error: unknown) =>
        this.logger.warn({ err: String(error) }, 'event store: could not notify subscribers; they will poll'),
      );
    }, NOTIFY_INTERVAL_MS);
    this.notifyTimer.unref?.();
  }

  /**
   * When an append could not insert: the result of the identical append stored earlier (a retry), undefined
   * when none of its event ids is stored, or `EventIdConflict` when they are stored with other content or only some are.
   */
  private async findStoredAppend(db: Queryable, streamId: string, payload: string): Promise<AppendResult | undefined> {
    const { rows } = await db.query<StoredEventRow>({ name: 'event_store_stored_events', text: STORED_EVENTS_SQL, values: [streamId, payload] });
    const stored = rows.filter((row) => row.global_position !== null);
    if (stored.length === 0) return undefined;
    const clash = rows.find((row) => row.global_position === null || !row.same_content);
    if (clash) throw new EventIdConflict(streamId, JSON.parse(payload)[Number(clash.ordinal) - 1]?.eventId ?? '');
    const positions = stored.map((row) => Number(row.global_position));
    const last = stored.reduce((a, b) => (Number(a.stream_version) > Number(b.stream_version) ? a : b));
    return {
      nextExpectedVersion: Number(last.stream_version),
      positions,
      lastPosition: { transactionId: last.transaction_id ?? '0', globalPosition: Number(last.global_position) },
      written: false,
      recordedAt: last.recorded_at ?? new Date(0),
    };
  }

  /** The stream's current version: the number of its events, 0 when it has none. */
  async streamVersion(streamId: string, db: Queryable = this.pool): Promise<number> {
    const { rows } = await db.query<{ version: string | null }>({
      name: 'event_store_stream_version',
      text: 'SELECT max(stream_version) AS version FROM events WHERE stream_id = $1',
      values: [streamId],
    });
    return Number(rows[0]?.version ?? 0);
  }

  /** Reads one stream's events in version order (or reverse with `direction: 'backward'`). Versions are inclusive. */
  async readStream(streamId: string, options: ReadStreamOptions = {}, db: Queryable = this.pool): Promise<RecordedEvent[]> {
    const backward = options.direction === 'backward';
    const { rows } = await db.query<EventRow>({
      name: backward ? 'event_store_read_stream_backward' : 'event_store_read_stream_forward',
      text: `SELECT ${EVENT_COLUMNS} FROM events
        WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3
        ORDER BY stream_version ${backward ? 'DESC' : 'ASC'} LIMIT $4`,
      values: [streamId, options.fromVersion ?? 1, options.toVersion ?? Number.MAX_SAFE_INTEGER, options.limit ?? null],
    });
    const events = rows.map(toRecordedEvent);
    const newest = backward ? events[0] : events.at(-1);
    // Read outside any caller's transaction, the rows are committed: their hashes can seed the next append.
    if (newest && db === this.pool) this.rememberHead(streamId, { version: newest.streamVersion, hash: newest.hash });
    return events;
  }

  /**
   * Reads the global log after a position, in its fixed order. Never returns an event a later read could
   * place before `after`: events of transactions still in flight wait until those transactions end.
   */
  async readAll(options: ReadAllOptions = {}, db: Queryable = this.pool): Promise<ReadAllResult> {
    const after = options.after ?? LOG_START;
    const { rows } = await db.query<EventRow>({
      name: 'event_store_read_all',
      text: READ_ALL_SQL,
      values: [after.transactionId, after.globalPosition, options.limit ?? 1000],
    });
    const events = rows.map(toRecordedEvent);
    const last = events.at(-1);
    return { events, next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after };
  }

  /** The position of the last event a reader can see now (the start of the log when there is none). */
  async headPosition(db: Queryable = this.pool): Promise<LogPosition> {
    const { rows } = await db.query<{ transaction_id: string; global_position: string }>({
      name: 'event_store_head',
      text: `SELECT transaction_id::text AS transaction_id, global_position FROM events
        WHERE transaction_id < ${LOG_WATERMARK_SQL}
        ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`,
    });
    const row = rows[0];
    return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : LOG_START;
  }

  /** True when the log holds events after `position` that are not readable yet (their transactions' elders still run). */
  async hasEventsAfter(position: LogPosition, db: Queryable = this.pool): Promise<boolean> {
    const { rows } = await db.query<{ exists: boolean }>({
      name: 'event_store_has_after',
      text: 'SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)) AS exists',
      values: [position.transactionId, position.globalPosition],
    });
    return rows[0]?.exists ?? false;
  }

  /**
   * Starts a durable subscription to the global log. Its checkpoint is stored in the same transaction as
   * the handler's own writes (done through `context.client`), so effects apply exactly once. A failing
   * handler is retried with backoff; the subscription never moves past an event it did not handle.
   */
  subscribe(name: string, options: SubscriptionOptions, handler: SubscriptionHandler): Subscription {
    this.notifier ??= new PgChannelListener(this.pool, APPENDED_CHANNEL, this.logger, { applicationName: 'claim-ledger-log-listener' });
    const subscription = new Subscription(this, this.notifier, name, options, handler, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** Stops every subscription and the notification listener. The pool stays open: it belongs to the caller. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    await this.notifier?.close();
    this.notifier = undefined;
  }
}

interface AppendRow {
  head_version: string;
  positions: string[] | null;
  transaction_id: string | null;
}

interface StoredEventRow {
  ordinal: string;
  global_position: string | null;
  stream_version: string | null;
  transaction_id: string | null;
  same_content: boolean | null;
  recorded_at: Date | null;
}

interface EventRow extends QueryResultRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
  hash: string;
}

const toExpectation = (expected: ExpectedVersion): [kind: string, version: number | null] => {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) throw new InvalidAppend(`expectedVersion must be a version >= 0, got ${expected}`);
    return expected === 0 ? ['no_stream', null] : ['exact', expected];
  }
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return [expected, null];
  throw new InvalidAppend(`unknown expectedVersion ${String(expected)}`);
};

/** An event as the append sends it: validated, with its canonical JSON and content hash. */
interface StoredShape {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: object;
  metadata: object;
  recordedAt: string;
  canonicalData: string;
  canonicalMetadata: string;
  contentHash: Buffer;
}

const toStoredShape = (streamId: string, recordedAt: Date, event: NewEvent, index: number): StoredShape => {
  if (!UUID.test(event.eventId ?? '')) throw new InvalidAppend(`events[${index}].eventId must be a UUID`);
  if (typeof event.type !== 'string' || event.type.length === 0) throw new InvalidAppend(`events[${index}].type must be a non-empty string`);
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new InvalidAppend(`events[${index}].data must be a JSON object`);
  }
  const schemaVersion = event.schemaVersion ?? 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new InvalidAppend(`events[${index}].schemaVersion must be an integer >= 1`);
  const content = { streamId, eventId: event.eventId.toLowerCase(), type: event.type, schemaVersion, data: event.data, metadata: event.metadata ?? {}, recordedAt };
  // The canonical JSON serves twice: hashed, and sent as the jsonb columns' text.
  const canonicalData = canonicalJson(content.data);
  const canonicalMetadata = canonicalJson(content.metadata);
  const contentHash = contentHashOf(content, canonicalContentOf(content, canonicalData, canonicalMetadata));
  return {
    eventId: content.eventId,
    type: content.type,
    schemaVersion,
    data: content.data,
    metadata: content.metadata,
    recordedAt: recordedAt.toISOString(),
    canonicalData,
    canonicalMetadata,
    contentHash,
  };
};

// What the general statement reads from its jsonb batch.
const toBatchElement = (shape: StoredShape) => ({
  eventId: shape.eventId,
  type: shape.type,
  schemaVersion: shape.schemaVersion,
  data: shape.data,
  metadata: shape.metadata,
  recordedAt: shape.recordedAt,
  contentHash: shape.contentHash.toString('hex'),
});

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  globalPosition: Number(row.global_position),
  transactionId: row.transaction_id,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  eventId: row.event_id,
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
  hash: row.hash,
});
