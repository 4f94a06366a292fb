import type { Pool } from 'pg';
import type { LogPosition } from '../event-store.types';
import { LOG_START } from '../log-position';
import { appendLeaf, EMPTY_ROOT, hashOfRange, leafHashOf, rootRange } from './merkle-tree';
import { treeHead, treeRootAt } from './tree-store';

/** Where the stored tree and the tree rebuilt from the log part. */
export interface TreeMismatch {
  /**
   * `leaf`: the stored leaf of the i-th event in log order is another event, or holds another hash than the
   * event's stored hash (an edited, removed or inserted event). `root`: a checkpoint's (or the stored tree's)
   * root differs from the root rebuilt from the log at that size. `missing_event`: the tree has more leaves
   * than the log has events up to its last leaf.
   */
  kind: 'leaf' | 'root' | 'missing_event';
  leafIndex?: number;
  eventId?: string;
  position?: LogPosition;
  checkpointId?: number;
  treeSize?: number;
  /** Hex: what the log rebuilds to. */
  expected: string;
  /** Hex: what is stored. */
  found: string;
}

export interface TreeVerification {
  intact: boolean;
  /** The stored tree's size: every leaf below it was checked against the log. */
  treeSize: number;
  /** Checkpoints whose tree root was recomputed from the log and compared. */
  checkpoints: number;
  firstMismatch?: TreeMismatch;
  mismatches: number;
}

interface WalkRow {
  transaction_id: string;
  global_position: string;
  event_id: string;
  hash: Buffer;
  leaf_index: string | null;
  leaf_event_id: string | null;
  event_hash: Buffer | null;
}

const rootOfFrontier = (size: number, frontier: Map<number, Buffer>): Buffer =>
  size === 0 ? EMPTY_ROOT : hashOfRange(rootRange(size), (ref) => frontier.get(ref.level) as Buffer);

/**
 * Rebuilds the transparency tree from the events table, in log order up to the stored tree's last leaf, and
 * compares: every stored leaf with the event at its place, the root at every signed checkpoint's tree size
 * with the checkpoint's root and the stored tree's, and the stored tree's current root. Memory O(log n).
 */
export const verifyTree = async (pool: Pool, options: { batchSize?: number; maxReported?: number } = {}): Promise<TreeVerification> => {
  const batchSize = options.batchSize ?? 5000;
  const head = await treeHead(pool);
  const { rows: checkpoints } = await pool.query<{ id: string; tree_size: string; root_hash: Buffer }>(
    'SELECT id, tree_size, root_hash FROM log_checkpoints WHERE tree_size IS NOT NULL AND tree_size <= $1 ORDER BY tree_size, id',
    [head.size],
  );
  const mismatches: TreeMismatch[] = [];
  let mismatchCount = 0;
  const report = (mismatch: TreeMismatch) => {
    mismatchCount += 1;
    if (mismatches.length < (options.maxReported ?? 100)) mismatches.push(mismatch);
  };
  const storedRoot = async (size: number) => (size === 0 ? EMPTY_ROOT : treeRootAt(pool, size));
  const frontier = new Map<number, Buffer>();
  let size = 0;
  let next = 0;
  const compareAt = async () => {
    while (next < checkpoints.length && Number(checkpoints[next].tree_size) === size) {
      const checkpoint = checkpoints[next];
      const rebuilt = rootOfFrontier(size, frontier);
      for (const found of [checkpoint.root_hash, await storedRoot(size)]) {
        if (!found.equals(rebuilt)) report({ kind: 'root', checkpointId: Number(checkpoint.id), treeSize: size, expected: rebuilt.toString('hex'), found: found.toString('hex') });
      }
      next += 1;
    }
  };
  await compareAt();
  let after: LogPosition = LOG_START;
  while (size < head.size) {
    const { rows } = await pool.query<WalkRow>(
      `SELECT e.transaction_id::text AS transaction_id, e.global_position, e.event_id::text AS event_id, e.hash,
              l.leaf_index, l.event_id::text AS leaf_event_id, l.event_hash
         FROM events e LEFT JOIN log_tree_leaves l ON l.transaction_id = e.transaction_id AND l.global_position = e.global_position
        WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
          AND (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint)
        ORDER BY e.transaction_id, e.global_position LIMIT $5`,
      [after.transactionId, after.globalPosition, head.position.transactionId, head.position.globalPosition, Math.min(batchSize, head.size - size)],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const position = { transactionId: row.transaction_id, globalPosition: Number(row.global_position) };
      const sameLeaf = row.leaf_index !== null && Number(row.leaf_index) === size && row.leaf_event_id === row.event_id && row.event_hash?.equals(row.hash);
      if (!sameLeaf) {
        report({ kind: 'leaf', leafIndex: size, eventId: row.event_id, position, expected: row.hash.toString('hex'), found: row.event_hash ? row.event_hash.toString('hex') : '' });
      }
      appendLeaf(size, leafHashOf(row.hash), frontier);
      size += 1;
      await compareAt();
    }
    const last = rows[rows.length - 1];
    after = { transactionId: last.transaction_id, globalPosition: Number(last.global_position) };
  }
  if (size < head.size) report({ kind: 'missing_event', leafIndex: size, treeSize: head.size, expected: `${size} events`, found: `${head.size} leaves` });
  else if (head.size > 0) {
    const rebuilt = rootOfFrontier(size, frontier);
    const stored = await storedRoot(head.size);
    if (!stored.equals(rebuilt)) report({ kind: 'root', treeSize: head.size, expected: rebuilt.toString('hex'), found: stored.toString('hex') });
  }
  return { intact: mismatchCount === 0, treeSize: head.size, checkpoints: checkpoints.length, ...(mismatches[0] ? { firstMismatch: mismatches[0] } : {}), mismatches: mismatchCount };
};

/** One line for people: what the tree check proved, or where it failed. */
export const describeTreeVerification = (result: TreeVerification): string => {
  if (result.intact) return `transparency tree intact: ${result.treeSize} leaves rebuilt from the log, ${result.checkpoints} checkpoint roots match`;
  const first = result.firstMismatch as TreeMismatch;
  const where =
    first.kind === 'leaf'
      ? `leaf ${first.leafIndex} (event ${first.eventId}): the log holds hash ${first.expected}, the tree ${first.found || 'no leaf'}`
      : first.kind === 'root'
        ? `root at tree size ${first.treeSize}${first.checkpointId ? ` (checkpoint ${first.checkpointId})` : ''}: rebuilt ${first.expected}, stored ${first.found}`
        : `the tree has ${first.found} but the log only ${first.expected}`;
  return `transparency tree does NOT match the log: ${result.mismatches} mismatch(es); first: ${where}`;
};
