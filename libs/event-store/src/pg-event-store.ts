import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Pool, PoolClient } from 'pg';
import { appendAfterHead, headAt } from './append-fast-path';
import { findStoredAppend } from './append-idempotency';
import { AppendNotifier } from './append-notifier';
import { toBatchPayload, toStoredShapes } from './append-shape';
import { EventIdConflict, isUniqueViolation, WrongExpectedVersion } from './event-store.errors';
import { type EventStoreLogger, stderrLogger } from './event-store.logger';
import type {
  AppendResult,
  ExpectedVersion,
  LogPosition,
  NewEvent,
  Queryable,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store.types';
import { GroupCommit } from './group-commit';
import { HeadCache, type StreamHead } from './head-cache';
import { afterCommit } from './transaction-scope';
import { logHasEventsAfter, readableHead, readLog, readStreamEvents, streamVersionOf } from './log-reader';
import { APPENDED_CHANNEL, PgChannelListener } from './pg-channel-listener';
import { appendToStream, toExpectation } from './stream-append';
import { Subscription, type SubscriptionHandler, type SubscriptionOptions } from './subscription';

export type { StreamHead } from './head-cache';
export { READ_ALL_SQL } from './log-reader';

export interface AppendOptions {
  /** Defaults to `'any'`. */
  expectedVersion?: ExpectedVersion;
  /**
   * Append inside the caller's transaction (e.g. to update a projection atomically with the events). A
   * refused append (wrong version, identical retry) leaves that transaction usable; only an event id that
   * clashes with an event committed meanwhile by another stream's append aborts it.
   */
  client?: PoolClient;
  /**
   * The stream's last event as the caller read it (e.g. `handleCommand` after folding the stream). With
   * `expectedVersion` equal to its version, a single event is written with one plain INSERT: its hash is
   * chained here, no head lookup is needed, and the unique indexes still refuse a stale expectation.
   */
  head?: StreamHead;
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
  /**
   * How long a group-commit statement waits for another transaction's lock before its appends are written
   * alone, out of the shared slots (default 50 ms). See `GroupCommit`.
   */
  groupCommitLockTimeoutMs?: number;
}

const tracer = trace.getTracer('claim-ledger');

/** Attempts of an append on the store's own connections when a concurrent insert of the same event id interferes. */
const MAX_APPEND_ATTEMPTS = 5;
const DEFAULT_GROUP_COMMIT_STATEMENTS = 2;
const DEFAULT_GROUP_COMMIT_LOCK_TIMEOUT_MS = 50;
/** Appends one group-commit statement carries at most. */
const MAX_GROUP_COMMIT = 100;

/**
 * A PostgreSQL event store: streams of events with optimistic concurrency and idempotent appends, a
 * gap-safe global log, and durable subscriptions. See the README's "Event store guarantees".
 *
 * Where each invariant lives: the next version and the expectation check, `stream-append.ts` (the SQL
 * function `event_store_append`); idempotent retries, `append-idempotency.ts`; per-stream order in the
 * log and the log key, the `events_log_key` trigger; gap safety, `log-reader.ts` (the watermark).
 */
export class PgEventStore {
  readonly pool: Pool;
  readonly logger: EventStoreLogger;
  private notifier?: PgChannelListener;
  private readonly appendNotifier: AppendNotifier;
  private readonly subscriptions = new Set<Subscription>();
  private readonly heads = new HeadCache();
  private readonly groupCommit: GroupCommit;
  private readonly appendedListeners = new Set<(count: number) => void>();

  constructor(options: PgEventStoreOptions) {
    this.pool = options.pool;
    this.logger = options.logger ?? stderrLogger;
    this.appendNotifier = new AppendNotifier(this.pool, this.logger, () => this.notifier?.wakeLocal());
    const statements = options.groupCommitStatements ?? DEFAULT_GROUP_COMMIT_STATEMENTS;
    this.groupCommit = new GroupCommit(this.pool, {
      statementsInFlight: statements > 0 ? statements : Number.POSITIVE_INFINITY,
      maxBatch: statements > 0 ? MAX_GROUP_COMMIT : 1,
      lockTimeoutMs: Math.max(1, Math.round(options.groupCommitLockTimeoutMs ?? DEFAULT_GROUP_COMMIT_LOCK_TIMEOUT_MS)),
    });
  }

  /**
   * Appends events to a stream atomically, in one round trip. Throws `WrongExpectedVersion` when the
   * stream is not as expected, `EventIdConflict` when an event id is stored with other content. Appending
   * events whose ids are all stored already, as sent and in the same order (a retry), succeeds with
   * `written: false` and writes nothing. `'any'` and `'stream_exists'` never fail because others wrote.
   */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    // A span when tracing is on (a no-op otherwise); the count once the events are committed, for metrics.
    return tracer.startActiveSpan('event_store.append', { kind: SpanKind.INTERNAL, attributes: { 'claim_ledger.stream_id': streamId, 'claim_ledger.events': events.length } }, async (span) => {
      try {
        const result = await this.appendUntraced(streamId, events, options);
        if (result.written && this.appendedListeners.size > 0) {
          const count = events.length;
          // Inside the caller's transaction: counted when its unit of work commits, never when it rolls back.
          if (options.client) afterCommit(() => this.notifyAppended(count));
          else this.notifyAppended(count);
        }
        span.setAttribute('claim_ledger.written', result.written);
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** Calls `listener` with the number of events of every committed append (e.g. a metrics counter); returns the unsubscribe. */
  onAppended(listener: (count: number) => void): () => void {
    this.appendedListeners.add(listener);
    return () => this.appendedListeners.delete(listener);
  }

  private notifyAppended(count: number): void {
    for (const listener of this.appendedListeners) listener(count);
  }

  private async appendUntraced(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const recordedAt = new Date();
    const shapes = toStoredShapes(streamId, recordedAt, events);
    const expectedVersion = options.expectedVersion ?? 'any';
    const expectation = toExpectation(expectedVersion);
    const db: Queryable = options.client ?? this.pool;

    const expectedNumber = expectedVersion === 'no_stream' ? 0 : expectedVersion;
    const head = typeof expectedNumber === 'number' && shapes.length === 1
      ? headAt(expectedNumber, options.head ?? (options.client ? undefined : this.heads.get(streamId)))
      : undefined;
    if (head) {
      const written = await appendAfterHead(streamId, head, shapes[0], { client: options.client, groupCommit: this.groupCommit });
      if (written) {
        const position = Number(written.globalPosition);
        if (!options.client) {
          this.heads.remember(streamId, written.head);
          this.signalAppended();
        }
        return { nextExpectedVersion: written.head.version, positions: [position], lastPosition: { transactionId: written.transactionId, globalPosition: position }, written: true, recordedAt };
      }
      // Nothing written: the version or the event id is taken. The general append says which.
    }

    const payload = toBatchPayload(shapes);
    const eventIds = shapes.map((shape) => shape.eventId);
    for (let attempt = 1; ; attempt++) {
      try {
        const appended = await appendToStream(db, streamId, payload, expectation);
        if (appended.outcome === 'written') {
          if (!options.client) this.signalAppended();
          const last = appended.positions[appended.positions.length - 1];
          return {
            nextExpectedVersion: appended.headVersion + shapes.length,
            positions: appended.positions,
            lastPosition: { transactionId: appended.transactionId, globalPosition: last },
            written: true,
            recordedAt,
          };
        }
        if (appended.outcome === 'wrong_version') throw new WrongExpectedVersion(streamId, expectedVersion, appended.headVersion);
        const stored = await findStoredAppend(db, streamId, payload, eventIds);
        if (stored) return stored;
        // Seen stored, then not: cannot happen with an append-only log; treated as a lost race.
        if (attempt >= MAX_APPEND_ATTEMPTS) throw new EventIdConflict(streamId, eventIds[0]);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Only writers that do not take the stream's lock get here: an append to another stream (or the fast
        // path) committed one of these event ids between our check and our insert. Running the append again
        // tells a retry of this very append from a clash.
        if (!options.client && attempt < MAX_APPEND_ATTEMPTS) continue;
        // Inside the caller's transaction the failed statement aborted it: report, the caller retries.
        if (error.constraint === 'events_event_id_unique') throw new EventIdConflict(streamId, eventIds[0]);
        throw new WrongExpectedVersion(streamId, expectedVersion, await this.streamVersion(streamId));
      }
    }
  }

  /**
   * Tells subscribers that the log grew (in this process at once; other processes by a throttled NOTIFY,
   * and they also poll). Call it after committing a transaction in which you appended with `client`.
   */
  signalAppended(): void {
    this.appendNotifier.signal();
  }

  /** The stream's current version: the number of its events, 0 when it has none. */
  async streamVersion(streamId: string, db: Queryable = this.pool): Promise<number> {
    return streamVersionOf(db, streamId);
  }

  /** Reads one stream's events in version order (or reverse with `direction: 'backward'`). Versions are inclusive. */
  async readStream(streamId: string, options: ReadStreamOptions = {}, db: Queryable = this.pool): Promise<RecordedEvent[]> {
    const events = await readStreamEvents(db, streamId, options);
    const newest = options.direction === 'backward' ? events[0] : events.at(-1);
    // Read outside any caller's transaction, the rows are committed: their hashes can seed the next append.
    if (newest && db === this.pool) this.heads.remember(streamId, { version: newest.streamVersion, hash: newest.hash });
    return events;
  }

  /**
   * Reads the global log after a position, in its fixed order. Never returns an event a later read could
   * place before `after`: events of transactions still in flight wait until those transactions end.
   */
  async readAll(options: ReadAllOptions = {}, db: Queryable = this.pool): Promise<ReadAllResult> {
    return readLog(db, options);
  }

  /** The position of the last event a reader can see now (the start of the log when there is none). */
  async headPosition(db: Queryable = this.pool): Promise<LogPosition> {
    return readableHead(db);
  }

  /** True when the log holds events after `position` that are not readable yet (their transactions' elders still run). */
  async hasEventsAfter(position: LogPosition, db: Queryable = this.pool): Promise<boolean> {
    return logHasEventsAfter(db, position);
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
    this.appendNotifier.cancel();
    await this.notifier?.close();
    this.notifier = undefined;
  }
}
