import type { Pool } from 'pg';
import { isLockNotAvailable, isUniqueViolation } from './event-store.errors';
import type { Queryable } from './event-store.types';

/** One event for the fast path, as the INSERT takes it. */
export interface SingleInsert {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  /** The data and metadata as JSON text (canonical). */
  data: string;
  metadata: string;
  recordedAt: string;
  hash: Buffer;
}

/** Where the event landed; undefined when a unique index refused it (version or event id taken). */
export type InsertOutcome = { globalPosition: string; transactionId: string } | undefined;

const COLUMNS = 'stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash';
const RETURNING = 'RETURNING global_position, transaction_id::text AS transaction_id';
/** The parameter placeholders of the event at `row` of a statement (9 parameters an event), typed: they feed a VALUES list. */
const valuesRow = (row: number): string => {
  const p = row * 9;
  return `($${p + 1}::text, $${p + 2}::bigint, $${p + 3}::uuid, $${p + 4}::text, $${p + 5}::int, $${p + 6}::jsonb, $${p + 7}::jsonb, $${p + 8}::timestamptz, $${p + 9}::bytea)`;
};
/** One event's parameters, in the order of COLUMNS. */
const valuesOf = (insert: SingleInsert): unknown[] => [
  insert.streamId,
  insert.version,
  insert.eventId,
  insert.type,
  insert.schemaVersion,
  insert.data,
  insert.metadata,
  insert.recordedAt,
  insert.hash,
];

// A shared statement must not wait long for another transaction's lock (an uncommitted event at the same
// version, in a caller's transaction that stays open): every append sharing it, and every append queued
// behind its slot, would wait too. The guard sets a lock timeout for this statement's own transaction
// before its first row is inserted; on timeout the appends are written again alone (see GroupCommit).
const guarded = (name: string, rows: number, lockTimeoutMs: number, returning: string) => ({
  name: `${name}_${lockTimeoutMs}ms`,
  text: `INSERT INTO events (${COLUMNS})
    SELECT v.* FROM (SELECT set_config('lock_timeout', '${lockTimeoutMs}ms', true) AS lock_timeout) AS guard,
                    (VALUES ${Array.from({ length: rows }, (_, row) => valuesRow(row)).join(', ')}) AS v(${COLUMNS})
     WHERE guard.lock_timeout IS NOT NULL
    ${returning}`,
});

/** One event, waiting for locks as long as it takes (outside group commit's slots). */
const INSERT_ONE = { name: 'event_store_insert_one', text: `INSERT INTO events (${COLUMNS}) VALUES ${valuesRow(0)} ${RETURNING}` };
// Inside a caller's transaction a refused row must not abort it: ON CONFLICT DO NOTHING (safe for a single
// row: it is written or not) reports the refusal as no row instead.
const INSERT_ONE_IN_TRANSACTION = { name: 'event_store_insert_one_tx', text: `INSERT INTO events (${COLUMNS}) VALUES ${valuesRow(0)} ON CONFLICT DO NOTHING ${RETURNING}` };

/** The fast path inside the caller's transaction (no group commit: the caller owns the commit). */
export const insertInTransaction = async (client: Queryable, insert: SingleInsert): Promise<InsertOutcome> => {
  const { rows } = await client.query<{ global_position: string; transaction_id: string }>({ ...INSERT_ONE_IN_TRANSACTION, values: valuesOf(insert) });
  return rows[0] ? { globalPosition: rows[0].global_position, transactionId: rows[0].transaction_id } : undefined;
};

interface Pending {
  insert: SingleInsert;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Statements in flight at once; appends arriving while all are busy wait and go out together. */
  statementsInFlight: number;
  /** Most appends one statement carries. */
  maxBatch: number;
  /** How long a statement in a slot may wait for another transaction's lock (milliseconds). */
  lockTimeoutMs: number;
}

type BatchRow = { global_position: string; transaction_id: string; event_id: string };

/**
 * Group commit for single-event appends on the store's own connections. While fewer than
 * `statementsInFlight` inserts run, an append goes out at once, alone: a lone writer never waits. Appends
 * that arrive while all are busy queue, and the next free slot writes the whole queue in one statement,
 * i.e. one transaction and one WAL flush for all of them. Each append is still acknowledged only once its
 * row is committed. Appends are independent, so when a unique index refuses the batch (a stale expectation,
 * a retried event id) or fails at all, each one is written again alone and only the ones at fault report it.
 *
 * A statement in a slot waits at most `lockTimeoutMs` for another transaction's lock. An append that has to
 * wait longer (its version is held by an uncommitted event of a caller's transaction) leaves the slot and
 * waits on its own, so appends to other streams never queue behind a lock they do not need.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  /** The guarded statements by number of rows (1: one append alone), built once. */
  private readonly statements = new Map<number, { name: string; text: string }>();

  constructor(
    private readonly pool: Pool,
    private readonly options: GroupCommitOptions,
  ) {}

  private statementFor(rows: number): { name: string; text: string } {
    let statement = this.statements.get(rows);
    if (!statement) {
      statement = rows === 1
        ? guarded('event_store_insert_one_guarded', 1, this.options.lockTimeoutMs, RETURNING)
        : guarded(`event_store_insert_many_${rows}`, rows, this.options.lockTimeoutMs, `${RETURNING}, event_id::text AS event_id`);
      this.statements.set(rows, statement);
    }
    return statement;
  }

  insert(insert: SingleInsert): Promise<InsertOutcome> {
    return new Promise<InsertOutcome>((resolve, reject) => {
      this.queue.push({ insert, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.statementsInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Settles the batch, or hands its waiting appends over to `waitAlone`; resolves when the slot is free. */
  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.writeAlone(batch[0]);
    let rows: BatchRow[];
    try {
      ({ rows } = await this.pool.query<BatchRow>({
        ...this.statementFor(batch.length),
        values: batch.flatMap((pending) => valuesOf(pending.insert)),
      }));
    } catch {
      // The statement wrote nothing: somebody's version or event id is taken, one event is refused (e.g. data
      // PostgreSQL cannot store), a lock wait timed out, or the connection failed. Each append on its own, so
      // only the appends at fault fail, each with its own error.
      await Promise.all(batch.map((pending) => this.writeAlone(pending)));
      return;
    }
    // Rows come back with their event id: nothing here relies on RETURNING keeping the input order.
    const byEventId = new Map(rows.map((row) => [row.event_id, row]));
    for (const pending of batch) {
      const row = byEventId.get(pending.insert.eventId);
      if (row) pending.resolve({ globalPosition: row.global_position, transactionId: row.transaction_id });
      else pending.reject(new Error(`event store: the batch insert returned no row for event ${pending.insert.eventId}`));
    }
  }

  private async writeAlone(pending: Pending): Promise<void> {
    try {
      pending.resolve(await this.insertAlone(pending.insert, this.statementFor(1)));
    } catch (error) {
      if (!isLockNotAvailable(error)) return pending.reject(error);
      // Out of the slot: it waits for the other transaction as long as that one takes.
      void this.insertAlone(pending.insert, INSERT_ONE).then(pending.resolve, pending.reject);
    }
  }

  private async insertAlone(insert: SingleInsert, statement: { name: string; text: string }): Promise<InsertOutcome> {
    try {
      const { rows } = await this.pool.query<{ global_position: string; transaction_id: string }>({ ...statement, values: valuesOf(insert) });
      return { globalPosition: rows[0].global_position, transactionId: rows[0].transaction_id };
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }
}
