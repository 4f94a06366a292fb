import type { Pool, PoolClient } from 'pg';
import { runInTransaction } from '@claims/event-store';

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the error
 * propagates unchanged). Inside a unit of work on the same pool (the API opens one per keyed request) it
 * joins that transaction instead, so the unit commits or rolls back as a whole; defer what must follow the
 * real commit with `afterCommit`. A connection whose backend is lost meanwhile fails the work and is
 * destroyed; it never crashes the process (see `runInTransaction` in the event store).
 */
export const inTransaction = <T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> => runInTransaction(pool, work);

// Lock order, for every writer of the projections (API commands, a rebuild): a unit of work's own lock
// first (a keyed request's Idempotency-Key), then the source catalogue lock, then claim locks in ascending
// id order. One order means no deadlock.
const CATALOGUE_LOCK = 'claim-ledger:source-catalogue';

/**
 * Claim writers share the catalogue; source writers take it alone. So a claim is never assessed against a
 * source snapshot that a concurrent re-grade is replacing, and a re-grade sees every claim linked to the
 * source, including one a report is being added to right now.
 */
export const lockSourceCatalogue = async (client: PoolClient, mode: 'shared' | 'exclusive'): Promise<void> => {
  const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await client.query(`SELECT ${lock}(hashtextextended($1, 0))`, [CATALOGUE_LOCK]);
};

/** Serialises writers of the same claims until the transaction ends; takes the locks in a fixed order. */
export const lockClaims = async (client: PoolClient, claimIds: readonly string[]): Promise<void> => {
  for (const claimId of [...new Set(claimIds)].sort()) {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`claim-ledger:claim:${claimId}`]);
  }
};
