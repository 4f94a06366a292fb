import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './checked-out-client';
import type { EventStoreLogger } from './event-store.logger';
import type { LogPosition, ReadAllOptions, ReadAllResult, RecordedEvent } from './event-store.types';
import { compareLogPositions, LOG_START } from './log-position';
import { describeTransaction, MARK_LOG_READER_SQL, oldestRunningTransaction } from './log-watermark';
import type { PgChannelListener } from './pg-channel-listener';

/** What a subscription needs from its store (the store passes itself). */
export interface SubscribableLog {
  readonly pool: Pool;
  readonly logger: EventStoreLogger;
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  headPosition(): Promise<LogPosition>;
  hasEventsAfter(position: LogPosition): Promise<boolean>;
}

export interface SubscriptionContext {
  /**
   * The transaction the checkpoint is saved in: write the handler's effects through it to apply them
   * exactly once. It is a marked log reader (`mark_log_reader()`), so however long the batch takes,
   * it never holds back other readers of the log; the price is that it cannot append events or write
   * outbox rows (the database refuses them). Savepoints inside it do not undo the mark.
   */
  client: PoolClient;
  subscription: string;
}

export type SubscriptionHandler = (event: RecordedEvent, context: SubscriptionContext) => Promise<void>;

export interface SubscriptionOptions {
  /** Where a subscription without a checkpoint starts: the log's start (default), its current end, or a position. */
  from?: 'start' | 'end' | LogPosition;
  /** Events handled in one transaction. Default 100. */
  batchSize?: number;
  /** How often to look for events when no notification arrives. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Ceiling of the retry backoff after handler failures. Default 30 s. */
  maxBackoffMs?: number;
  /** Held back by an older running transaction this long, it logs a warning naming it (and again at this interval). Default 30 s. */
  heldBackWarningMs?: number;
}

export interface SubscriptionStatus {
  name: string;
  running: boolean;
  /** The last position whose effects are committed. */
  position: LogPosition;
  /** Consecutive failed attempts at the current batch; 0 when healthy. */
  failedAttempts: number;
  lastError?: string;
  lastErrorAt?: Date;
  /** Since when events exist that it cannot read yet (an older transaction still runs); unset when it is not held back. */
  heldBackSince?: Date;
  /** Since when it waits for the log to grow (a notification or its poll interval); unset while it reads or handles. */
  waitingSince?: Date;
}

// While events exist beyond the watermark, a transaction that started earlier is still open: look again soon.
const HELD_BACK_POLL_MS = 20;
const FIRST_BACKOFF_MS = 100;
/** Held back this long (by default), a subscription names the transaction it waits for in a warning (again at this interval). */
export const HELD_BACK_WARNING_MS = 30_000;

/**
 * The subscription's checkpoint row vanished while it ran (deleted by hand, or a reset gone wrong). The
 * subscription stops instead of starting over from the log's start on its own, or recreating the row from
 * its memory (another instance may be further along, and a deletion may be an operator's deliberate reset):
 * `status()` shows it stopped with this error, and waiters are rejected. Subscribing again starts from the
 * subscription's `from` option, as for a new one.
 */
export class SubscriptionCheckpointMissing extends Error {
  readonly code = 'SUBSCRIPTION_CHECKPOINT_MISSING';
  constructor(
    readonly subscription: string,
    /** The last position this instance committed. */
    readonly position: LogPosition,
  ) {
    super(`subscription ${subscription}: its checkpoint row is gone (last committed here: ${position.transactionId}-${position.globalPosition}); stopped`);
    this.name = 'SubscriptionCheckpointMissing';
  }
}

// A batch's transaction is a marked log reader from its first statement on, in the round trip of BEGIN.
const BATCH_TRANSACTION = { begin: `BEGIN; ${MARK_LOG_READER_SQL}` };

/** A durable subscription to the global log. Created by `PgEventStore.subscribe`. */
export class Subscription {
  private position: LogPosition = LOG_START;
  private running = false;
  private loop?: Promise<void>;
  private failedAttempts = 0;
  private lastError?: string;
  private lastErrorAt?: Date;
  private heldBackSince?: Date;
  private heldBackWarnedAt = 0;
  private waitingSince?: Date;
  private cancelWait?: () => void;
  /** Set when the subscription stopped itself on an error it cannot retry. */
  private stoppedBy?: Error;
  private readonly positionWaiters = new Set<{ target: LogPosition; resolve: () => void; reject: (error: Error) => void }>();

  constructor(
    private readonly store: SubscribableLog,
    private readonly notifier: PgChannelListener,
    readonly name: string,
    private readonly options: SubscriptionOptions,
    private readonly handler: SubscriptionHandler,
    private readonly onStopped: () => void,
  ) {}

  /** @internal started by the store */
  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  status(): SubscriptionStatus {
    return {
      name: this.name,
      running: this.running,
      position: { ...this.position },
      failedAttempts: this.failedAttempts,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      heldBackSince: this.heldBackSince,
      waitingSince: this.waitingSince,
    };
  }

  /** Resolves once the subscription's committed checkpoint is at or past `target`. */
  waitForPosition(target: LogPosition, timeoutMs = 30_000): Promise<void> {
    if (compareLogPositions(this.position, target) >= 0) return Promise.resolve();
    if (this.stoppedBy) return Promise.reject(this.stoppedBy);
    return new Promise((resolve, reject) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.positionWaiters.delete(waiter);
        reject(new Error(`subscription ${this.name} did not reach ${target.transactionId}-${target.globalPosition} within ${timeoutMs} ms (at ${this.position.transactionId}-${this.position.globalPosition}${this.lastError ? `, last error: ${this.lastError}` : ''})`));
      }, timeoutMs);
      this.positionWaiters.add(waiter);
    });
  }

  /** Stops after the batch in flight; its checkpoint stays where the last committed batch left it. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelWait?.();
    await this.loop;
    this.onStopped();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    const pollIntervalMs = this.options.pollIntervalMs ?? 1000;
    let currentBatchSize = batchSize;
    let loaded = false;

    while (this.running) {
      try {
        if (!loaded) {
          this.position = await this.loadCheckpoint();
          this.settleWaiters();
          loaded = true;
        }
        const notificationsBefore = this.notifier.notificationCount;
        const { events } = await this.store.readAll({ after: this.position, limit: currentBatchSize });
        if (events.length === 0) {
          if (this.notifier.notificationCount !== notificationsBefore) continue;
          const heldBack = await this.store.hasEventsAfter(this.position);
          if (heldBack) await this.noteHeldBack();
          else this.heldBackSince = undefined;
          await this.sleep(heldBack ? HELD_BACK_POLL_MS : pollIntervalMs, true);
          continue;
        }
        this.heldBackSince = undefined;
        await this.handleBatch(events);
        this.failedAttempts = 0;
        currentBatchSize = batchSize;
      } catch (error) {
        if (error instanceof SubscriptionCheckpointMissing) {
          this.stopOn(error);
          break;
        }
        this.failedAttempts++;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.lastErrorAt = new Date();
        // Narrow the batch to one event, so the events before a poisonous one still get through.
        currentBatchSize = 1;
        const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (this.failedAttempts - 1), this.options.maxBackoffMs ?? 30_000);
        this.store.logger.error(
          { subscription: this.name, position: this.position, failedAttempts: this.failedAttempts, retryInMs: backoff, err: this.lastError },
          'subscription handler failed; retrying without advancing',
        );
        await this.recordFailure().catch(() => undefined);
        await this.sleep(backoff, false);
      }
    }
  }

  private async handleBatch(events: RecordedEvent[]): Promise<void> {
    this.position = await withTransaction(this.store.pool, async (client) => {
      // The row lock serialises instances of the same subscription; a moved checkpoint means another
      // instance handled these events already, so we take its position and read again.
      const { rows } = await client.query<{ transaction_id: string; global_position: string }>(
        'SELECT transaction_id::text AS transaction_id, global_position FROM subscription_checkpoints WHERE name = $1 FOR UPDATE',
        [this.name],
      );
      if (!rows[0]) throw new SubscriptionCheckpointMissing(this.name, this.position);
      const stored = { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
      if (compareLogPositions(stored, this.position) !== 0) return stored;
      for (const event of events) await this.handler(event, { client, subscription: this.name });
      const last = events[events.length - 1];
      const { rowCount } = await client.query(
        `UPDATE subscription_checkpoints SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now(),
           last_error = NULL, failed_attempts = 0 WHERE name = $1`,
        [this.name, last.transactionId, last.globalPosition],
      );
      if (rowCount !== 1) throw new SubscriptionCheckpointMissing(this.name, this.position);
      return { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }, BATCH_TRANSACTION);
    this.settleWaiters();
  }

  private async loadCheckpoint(): Promise<LogPosition> {
    const from = this.options.from ?? 'start';
    const initial = from === 'start' ? LOG_START : from === 'end' ? await this.store.headPosition() : from;
    await this.store.pool.query(
      `INSERT INTO subscription_checkpoints (name, transaction_id, global_position) VALUES ($1, $2::text::xid8, $3)
       ON CONFLICT (name) DO NOTHING`,
      [this.name, initial.transactionId, initial.globalPosition],
    );
    const { rows } = await this.store.pool.query<{ transaction_id: string; global_position: string }>(
      'SELECT transaction_id::text AS transaction_id, global_position FROM subscription_checkpoints WHERE name = $1',
      [this.name],
    );
    return { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
  }

  /**
   * Events are there but an older transaction still runs, so they are not readable yet. That is normally a
   * few milliseconds; held back for long, the subscription warns and names that transaction, since only
   * ending it (or the session holding it) lets every reader of the log move on.
   */
  private async noteHeldBack(): Promise<void> {
    const now = Date.now();
    const warnAfter = this.options.heldBackWarningMs ?? HELD_BACK_WARNING_MS;
    this.heldBackSince ??= new Date(now);
    if (now - this.heldBackSince.getTime() < warnAfter || now - this.heldBackWarnedAt < warnAfter) return;
    this.heldBackWarnedAt = now;
    const oldest = await oldestRunningTransaction(this.store.pool).catch(() => undefined);
    this.store.logger.warn(
      { subscription: this.name, position: this.position, heldBackSeconds: Math.round((now - this.heldBackSince.getTime()) / 1000), oldestTransaction: oldest },
      `subscription held back: events after its position wait for ${oldest ? describeTransaction(oldest) : 'an older transaction'} to end`,
    );
  }

  private stopOn(error: Error): void {
    this.running = false;
    this.stoppedBy = error;
    this.lastError = error.message;
    this.lastErrorAt = new Date();
    this.store.logger.error({ subscription: this.name, position: this.position, err: error.message }, 'subscription stopped');
    for (const waiter of [...this.positionWaiters]) {
      this.positionWaiters.delete(waiter);
      waiter.reject(error);
    }
    this.onStopped();
  }

  private async recordFailure(): Promise<void> {
    await this.store.pool.query(
      'UPDATE subscription_checkpoints SET last_error = $2, failed_attempts = $3, updated_at = now() WHERE name = $1',
      [this.name, this.lastError, this.failedAttempts],
    );
  }

  private settleWaiters(): void {
    for (const waiter of [...this.positionWaiters]) {
      if (compareLogPositions(this.position, waiter.target) >= 0) {
        this.positionWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private async sleep(ms: number, wakeOnAppend: boolean): Promise<void> {
    if (!this.running) return;
    if (wakeOnAppend) {
      const cancelled = new AbortController();
      this.cancelWait = () => cancelled.abort();
      this.waitingSince = new Date();
      await this.notifier.wait(ms, cancelled.signal);
      this.waitingSince = undefined;
    } else {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.cancelWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.cancelWait = undefined;
  }
}
