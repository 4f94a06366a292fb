import type { Pool } from 'pg';
import { withTransaction } from '../checked-out-client';
import type { LogPosition, Queryable } from '../event-store.types';
import { compareLogPositions, LOG_START } from '../log-position';
import { readableHead } from '../log-reader';
import { MARK_LOG_READER_SQL } from '../log-watermark';
import {
  appendLeaf,
  consistencyRanges,
  frontierOf,
  hashOfRange,
  inclusionRanges,
  leafHashOf,
  rootRange,
  subtreesNeeded,
  type LeafRange,
  type SubtreeLookup,
  type SubtreeRef,
} from './merkle-tree';

// The transparency log's tree in PostgreSQL (tables in the 1777000000000 migration). Extending it is the
// only write; every read is O(log n) rows of log_tree_nodes.

const TREE_LOCK = 'claim-ledger:log-tree';

/** The tree as stored: `size` leaves, the last one the event at `position` (the log's start when empty). */
export interface TreeHead {
  size: number;
  position: LogPosition;
}

/** A size, index or event the tree cannot answer for; `field` names the request parameter at fault. */
export class TreeProofRefused extends Error {
  constructor(
    readonly kind: 'not_found' | 'out_of_range',
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'TreeProofRefused';
  }
}

/** The stored tree's size and the log position of its last leaf. */
export const treeHead = async (db: Queryable): Promise<TreeHead> => {
  const { rows } = await db.query<{ leaf_index: string; transaction_id: string; global_position: string }>(
    'SELECT leaf_index, transaction_id::text AS transaction_id, global_position FROM log_tree_leaves ORDER BY leaf_index DESC LIMIT 1',
  );
  const row = rows[0];
  return row ? { size: Number(row.leaf_index) + 1, position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } } : { size: 0, position: LOG_START };
};

/** Reads the given subtrees in one query; the lookup throws for one the tree does not hold (a bug, or a damaged tree). */
export const readSubtrees = async (db: Queryable, refs: readonly SubtreeRef[]): Promise<SubtreeLookup> => {
  const found = new Map<string, Buffer>();
  if (refs.length > 0) {
    const { rows } = await db.query<{ level: number; node_index: string; hash: Buffer }>(
      `SELECT level, node_index, hash FROM log_tree_nodes
        WHERE (level, node_index) IN (SELECT l, i FROM unnest($1::smallint[], $2::bigint[]) AS x(l, i))`,
      [refs.map((ref) => ref.level), refs.map((ref) => ref.index)],
    );
    for (const row of rows) found.set(`${row.level}:${row.node_index}`, row.hash);
  }
  return (ref) => {
    const hash = found.get(`${ref.level}:${ref.index}`);
    if (!hash) throw new Error(`the transparency tree lacks subtree ${ref.level}:${ref.index}`);
    return hash;
  };
};

const hashesOf = async (db: Queryable, ranges: readonly LeafRange[]): Promise<Buffer[]> => {
  const lookup = await readSubtrees(db, subtreesNeeded(ranges));
  return ranges.map((range) => hashOfRange(range, lookup));
};

const assertSize = async (db: Queryable, treeSize: number, field: string): Promise<void> => {
  const { size } = await treeHead(db);
  if (treeSize > size) throw new TreeProofRefused('out_of_range', field, `the tree has ${size} leaves: no tree of size ${treeSize} yet`);
};

/** The tree's root at `treeSize` (≤ the stored size): MTH of the first `treeSize` events in log order. */
export const treeRootAt = async (db: Queryable, treeSize: number): Promise<Buffer> => {
  await assertSize(db, treeSize, 'treeSize');
  return (await hashesOf(db, [rootRange(treeSize)]))[0];
};

/** The leaf of an event, with the event's hash as the log holds it now (an edited event no longer proves). */
export const leafOfEvent = async (db: Queryable, eventId: string): Promise<{ leafIndex: number; eventHash: Buffer } | undefined> => {
  const { rows } = await db.query<{ leaf_index: string; hash: Buffer }>(
    'SELECT l.leaf_index, e.hash FROM log_tree_leaves l JOIN events e ON e.event_id = l.event_id WHERE l.event_id = $1::uuid',
    [eventId],
  );
  return rows[0] && { leafIndex: Number(rows[0].leaf_index), eventHash: rows[0].hash };
};

/** RFC 9162 inclusion proof of leaf `leafIndex` in the tree of `treeSize`. */
export const inclusionProof = async (db: Queryable, leafIndex: number, treeSize: number): Promise<Buffer[]> => {
  await assertSize(db, treeSize, 'treeSize');
  if (leafIndex >= treeSize) throw new TreeProofRefused('not_found', 'treeSize', `leaf ${leafIndex} is not in the tree of size ${treeSize}`);
  return hashesOf(db, inclusionRanges(leafIndex, treeSize));
};

/** Inclusion proofs of several leaves against one tree size, from one read of the subtrees they need. */
export const inclusionProofs = async (db: Queryable, leafIndexes: readonly number[], treeSize: number): Promise<Buffer[][]> => {
  await assertSize(db, treeSize, 'treeSize');
  const paths = leafIndexes.map((index) => inclusionRanges(index, treeSize));
  const lookup = await readSubtrees(db, subtreesNeeded(paths.flat()));
  return paths.map((ranges) => ranges.map((range) => hashOfRange(range, lookup)));
};

/** RFC 9162 consistency proof from the tree of `fromSize` to the tree of `toSize`. */
export const consistencyProof = async (db: Queryable, fromSize: number, toSize: number): Promise<Buffer[]> => {
  if (fromSize > toSize) throw new TreeProofRefused('out_of_range', 'from', `from (${fromSize}) is larger than to (${toSize})`);
  await assertSize(db, toSize, 'to');
  return hashesOf(db, consistencyRanges(fromSize, toSize));
};

interface LeafRow {
  transaction_id: string;
  global_position: string;
  event_id: string;
  hash: Buffer;
}

/** Adds one batch of leaves on `client` (in a transaction holding the tree lock); returns how many. */
const extendBatch = async (client: Queryable, batchSize: number, upTo?: LogPosition): Promise<number> => {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [TREE_LOCK]);
  const head = await treeHead(client);
  const readable = await readableHead(client);
  const limit = upTo && compareLogPositions(upTo, readable) < 0 ? upTo : readable;
  if (compareLogPositions(limit, head.position) <= 0) return 0;
  const { rows } = await client.query<LeafRow>(
    `SELECT transaction_id::text AS transaction_id, global_position, event_id::text AS event_id, hash FROM events
      WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
        AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)
      ORDER BY events.transaction_id, events.global_position LIMIT $5`,
    [head.position.transactionId, head.position.globalPosition, limit.transactionId, limit.globalPosition, batchSize],
  );
  if (rows.length === 0) return 0;
  const refs = frontierOf(head.size);
  const lookup = await readSubtrees(client, refs);
  const frontier = new Map(refs.map((ref) => [ref.level, lookup(ref)]));
  const nodes: Array<SubtreeRef & { hash: Buffer }> = [];
  rows.forEach((row, offset) => nodes.push(...appendLeaf(head.size + offset, leafHashOf(row.hash), frontier)));
  await client.query(
    `INSERT INTO log_tree_leaves (leaf_index, transaction_id, global_position, event_id, event_hash)
     SELECT i, t::xid8, p, e, h FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::bytea[]) AS x(i, t, p, e, h)`,
    [rows.map((_, offset) => head.size + offset), rows.map((row) => row.transaction_id), rows.map((row) => row.global_position), rows.map((row) => row.event_id), rows.map((row) => row.hash)],
  );
  await client.query(
    'INSERT INTO log_tree_nodes (level, node_index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])',
    [nodes.map((node) => node.level), nodes.map((node) => node.index), nodes.map((node) => node.hash)],
  );
  return rows.length;
};

/**
 * Appends the leaves of every event up to the log's readable head (or `upTo`, if earlier), in log order.
 * Off the append path: appends never wait for it. Each batch is its own transaction under an advisory lock,
 * so several API processes extend one tree without forks; the transaction is marked as a log reader
 * (it never writes events), so it does not hold other readers of the log back either.
 */
export const extendTree = async (pool: Pool, options: { batchSize?: number; upTo?: LogPosition } = {}): Promise<TreeHead> => {
  const batchSize = options.batchSize ?? 5000;
  for (;;) {
    const added = await withTransaction(pool, (client) => extendBatch(client, batchSize, options.upTo), { begin: `BEGIN; ${MARK_LOG_READER_SQL}` });
    if (added < batchSize) break;
  }
  return treeHead(pool);
};

/**
 * `extendTree` inside the caller's open transaction, on its connection (a keyed request's unit of work may
 * hold the pool's only connection): the leaves commit or roll back with the caller's work, and the tree's
 * lock is held until then.
 */
export const extendTreeOn = async (client: Queryable, options: { batchSize?: number } = {}): Promise<TreeHead> => {
  const batchSize = options.batchSize ?? 5000;
  while ((await extendBatch(client, batchSize)) === batchSize);
  return treeHead(client);
};
