import type { PoolClient } from 'pg';
import type { StoredShape } from './append-shape';
import { chainHashOf, GENESIS_HASH } from './event-hash';
import { type GroupCommit, insertInTransaction, type InsertOutcome } from './group-commit';
import type { StreamHead } from './head-cache';

/** The head a single-event append can chain to without a lookup: a new stream's genesis, or one known at `expectedVersion`. */
export const headAt = (expectedVersion: number, known: StreamHead | undefined): StreamHead | undefined => {
  if (expectedVersion === 0) return { version: 0, hash: GENESIS_HASH.toString('hex') };
  return known?.version === expectedVersion ? known : undefined;
};

/**
 * The fast path: one event after a known head, chained here and written with one plain INSERT, in the
 * caller's transaction or by group commit. No head lookup and no lock: the unique indexes refuse it when
 * the head is stale or the id taken (undefined then: the general append says which), and the log-key
 * trigger keeps it after its predecessor in the log.
 */
export const appendAfterHead = async (
  streamId: string,
  head: StreamHead,
  shape: StoredShape,
  target: { client?: PoolClient; groupCommit: GroupCommit },
): Promise<(NonNullable<InsertOutcome> & { head: StreamHead }) | undefined> => {
  const version = head.version + 1;
  const hash = chainHashOf(Buffer.from(head.hash, 'hex'), version, shape.contentHash);
  const insert = { streamId, version, eventId: shape.eventId, type: shape.type, schemaVersion: shape.schemaVersion, data: shape.canonicalData, metadata: shape.canonicalMetadata, recordedAt: shape.recordedAt, hash };
  const outcome = target.client ? await insertInTransaction(target.client, insert) : await target.groupCommit.insert(insert);
  return outcome && { ...outcome, head: { version, hash: hash.toString('hex') } };
};
