import type { Pool, PoolClient } from 'pg';
import { runInTransaction, type Queryable } from '@claims/event-store';

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the error
 * propagates unchanged). Inside a unit of work on the same pool (the API opens one per keyed request) it
 * joins that transaction instead, so the unit commits or rolls back as a whole; defer what must follow the
 * real commit with `afterCommit`. A connection whose backend is lost meanwhile fails the work and is
 * destroyed; it never crashes the process (see `runInTransaction` in the event store).
 */
export const inTransaction = <T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> => runInTransaction(pool, work);

// Lock order, for every writer of the projections (API commands, a re-grade's re-assessment): a unit of
// work's own lock first (a keyed request's Idempotency-Key), then claim locks in ascending id order, then
// source locks in ascending id order. One order means no deadlock. There is no global lock: a source writer
// holds only its own source's lock, and only while it appends the source's event (see `SourceWriter`).

/**
 * Per-source locks, one query for all of them. A claim writer takes them shared on every source it reads
 * (the decider's inputs, the projection's catalogue), a source writer exclusively on the one it changes.
 * So a claim write either finishes before the source's event commits (and the re-grade that follows sees
 * the claim linked to the source, and re-assesses it after the write), or waits and reads the new snapshot.
 * Writers of claims that name none of the source's ids never meet it.
 */
export const lockSources = async (client: Queryable, sourceIds: Iterable<string>, mode: 'shared' | 'exclusive'): Promise<void> => {
  const ids = [...new Set(sourceIds)].sort();
  if (ids.length === 0) return;
  const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  // The subquery's ORDER BY fixes the order the locks are taken in.
  await client.query(`SELECT ${lock}(hashtextextended(key, 0)) FROM (SELECT 'claim-ledger:source:' || id AS key FROM unnest($1::text[]) AS id ORDER BY id COLLATE "C") AS ordered`, [ids]);
};

/** The advisory lock key of one source, for tests and tools that must hold a source writer off. */
export const sourceLockKey = (sourceId: string): string => `claim-ledger:source:${sourceId}`;

/**
 * Holds off every append until the transaction ends, and waits for the appends in flight to commit: a
 * SHARE lock on `events` conflicts with the ROW EXCLUSIVE lock every inserting transaction holds until
 * it ends. For a rebuild's final catch-up only (it then reads past the readers' watermark and swaps
 * tables); it lasts the catch-up of a few events. Reads go on meanwhile.
 */
export const holdOffAppends = async (client: PoolClient): Promise<void> => {
  await client.query('LOCK TABLE events IN SHARE MODE');
};

/** Serialises writers of the same claims until the transaction ends; takes the locks in a fixed order, in one query. */
export const lockClaims = async (client: Queryable, claimIds: readonly string[]): Promise<void> => {
  const ids = [...new Set(claimIds)].sort();
  if (ids.length === 1) {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`claim-ledger:claim:${ids[0]}`]);
    return;
  }
  if (ids.length === 0) return;
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM (SELECT 'claim-ledger:claim:' || id AS key FROM unnest($1::text[]) AS id ORDER BY id COLLATE "C") AS ordered`, [ids]);
};
