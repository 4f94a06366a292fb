import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import canonicalize from 'canonicalize';
import { withClient, withTransaction } from './checked-out-client';
import type { LogPosition } from './event-store.types';
import { compareLogPositions, formatLogPosition } from './log-position';
import type { Queryable } from './event-store.types';
import { checkpointBody, signNote, type NoteSigner } from './transparency/signed-note';
import { extendTree, extendTreeOn, treeHead, treeRootAt } from './transparency/tree-store';

/**
 * A digest of the whole log at one position: the Merkle root (RFC 6962 shape) over every stream's head at
 * that position, as leaves `SHA-256(0x00 ‖ JCS({hash, streamId, version}))` sorted by the stream id's UTF-8
 * bytes; inner nodes `SHA-256(0x01 ‖ left ‖ right)`; the empty log's root is `SHA-256("")`. Each head hash
 * chains its stream's whole history, so the root commits to every event at or before the position.
 */
export interface LogDigest {
  position: LogPosition;
  streams: number;
  events: number;
  /** Hex. */
  merkleRoot: string;
}

/** A stored log checkpoint; `checkpointHash` chains it to the previous checkpoint. */
export interface LogCheckpoint extends LogDigest {
  id: number;
  createdAt: string;
  /** Hex; the previous checkpoint's hash (32 zero bytes for the first). */
  previousHash: string;
  /** Hex SHA-256 over the previous hash and the canonical JSON of this checkpoint: what an auditor keeps. */
  checkpointHash: string;
  /**
   * The transparency log at this checkpoint (docs/transparency-log.md): the RFC 9162 tree over exactly the
   * events at or before `position`, its size and base64 root. Null on checkpoints older than the tree.
   */
  treeSize: number | null;
  rootHash: string | null;
  /** The C2SP tlog-checkpoint signed note over origin, tree size and root; null when no signing key is configured. */
  note: string | null;
}

const leafHash = (streamId: string, version: number, hash: Buffer): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(canonicalize({ hash: hash.toString('hex'), streamId, version }) as string, 'utf8')
    .digest();

const nodeHash = (left: Buffer, right: Buffer): Buffer => createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();

/**
 * Streaming Merkle root: leaves arrive in order and only one pending subtree per height is kept (O(log n)
 * memory). Combining the leftovers right to left gives RFC 6962's tree for any number of leaves.
 */
export class MerkleAccumulator {
  private readonly stack: Array<{ height: number; hash: Buffer }> = [];
  private count = 0;

  addLeaf(streamId: string, version: number, hash: Buffer): void {
    let node = { height: 0, hash: leafHash(streamId, version, hash) };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].height === node.height) {
      const left = this.stack.pop() as { height: number; hash: Buffer };
      node = { height: node.height + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count += 1;
  }

  get leaves(): number {
    return this.count;
  }

  root(): Buffer {
    if (this.stack.length === 0) return createHash('sha256').digest();
    let hash = this.stack[this.stack.length - 1].hash;
    for (let index = this.stack.length - 2; index >= 0; index -= 1) hash = nodeHash(this.stack[index].hash, hash);
    return hash;
  }
}

/** The digest of the log at `position`, read on `client` through a cursor (closed again, so a transaction may take several). */
const digestOn = async (client: Queryable, position: LogPosition, batchSize = 10_000): Promise<LogDigest> => {
  const { rows: counted } = await client.query<{ count: string }>(
    'SELECT count(*) AS count FROM events WHERE (transaction_id, global_position) <= ($1::text::xid8, $2::bigint)',
    [position.transactionId, position.globalPosition],
  );
  await client.query(
    `DECLARE log_heads NO SCROLL CURSOR FOR
       SELECT stream_id, stream_version, hash FROM (
         SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events
          WHERE (transaction_id, global_position) <= ($1::text::xid8, $2::bigint)
          ORDER BY stream_id, stream_version DESC) heads
        ORDER BY convert_to(stream_id, 'UTF8')`,
    [position.transactionId, position.globalPosition],
  );
  const merkle = new MerkleAccumulator();
  for (;;) {
    const { rows } = await client.query<{ stream_id: string; stream_version: string; hash: Buffer }>(`FETCH ${batchSize} FROM log_heads`);
    for (const row of rows) merkle.addLeaf(row.stream_id, Number(row.stream_version), row.hash);
    if (rows.length < batchSize) break;
  }
  await client.query('CLOSE log_heads');
  return { position, streams: merkle.leaves, events: Number(counted[0].count), merkleRoot: merkle.root().toString('hex') };
};

/**
 * Recomputes the digest of the log at `position` from the events table: each stream's last event at or
 * before it. Reads through a cursor, so memory stays flat however many streams there are.
 */
export const computeLogDigest = (pool: Pool, position: LogPosition, options: { batchSize?: number } = {}): Promise<LogDigest> =>
  withTransaction(pool, (client) => digestOn(client, position, options.batchSize), { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' });

const ZERO_HASH = '00'.repeat(32);

/** The checkpoint's own hash: what an auditor keeps (with the root) to prove the checkpoint row itself was not edited. */
export const checkpointHashOf = (checkpoint: Omit<LogCheckpoint, 'checkpointHash' | 'id' | 'treeSize' | 'rootHash' | 'note'> & Partial<Pick<LogCheckpoint, 'treeSize' | 'rootHash' | 'note'>>): string =>
  createHash('sha256')
    .update(Buffer.from(checkpoint.previousHash, 'hex'))
    .update(
      canonicalize({
        createdAt: checkpoint.createdAt,
        events: checkpoint.events,
        merkleRoot: checkpoint.merkleRoot,
        position: formatLogPosition(checkpoint.position),
        streams: checkpoint.streams,
        // Checkpoints older than the transparency tree keep the hash they were recorded with.
        ...(checkpoint.treeSize != null ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, note: checkpoint.note ?? null } : {}),
      }) as string,
      'utf8',
    )
    .digest('hex');

interface CheckpointRow {
  id: string;
  transaction_id: string;
  global_position: string;
  created_at: Date;
  stream_count: string;
  event_count: string;
  merkle_root: Buffer;
  previous_hash: Buffer;
  checkpoint_hash: Buffer;
  tree_size: string | null;
  root_hash: Buffer | null;
  note: string | null;
}

const CHECKPOINT_COLUMNS = 'id, transaction_id::text AS transaction_id, global_position, created_at, stream_count, event_count, merkle_root, previous_hash, checkpoint_hash, tree_size, root_hash, note';

const fromRow = (row: CheckpointRow): LogCheckpoint => ({
  id: Number(row.id),
  position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
  createdAt: row.created_at.toISOString(),
  streams: Number(row.stream_count),
  events: Number(row.event_count),
  merkleRoot: row.merkle_root.toString('hex'),
  previousHash: row.previous_hash.toString('hex'),
  checkpointHash: row.checkpoint_hash.toString('hex'),
  treeSize: row.tree_size === null ? null : Number(row.tree_size),
  rootHash: row.root_hash ? row.root_hash.toString('base64') : null,
  note: row.note,
});

export const latestCheckpoint = async (db: Queryable): Promise<LogCheckpoint | undefined> => {
  const { rows } = await db.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints ORDER BY id DESC LIMIT 1`);
  return rows[0] && fromRow(rows[0]);
};

export const listCheckpoints = async (db: Queryable, limit = 100): Promise<LogCheckpoint[]> => {
  const { rows } = await db.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints ORDER BY id DESC LIMIT $1`, [limit]);
  return rows.map(fromRow);
};

/** A checkpoint by id (digits) or by Merkle root or checkpoint hash (64 hex digits). */
export const findCheckpoint = async (db: Queryable, reference: string): Promise<LogCheckpoint | undefined> => {
  if (/^\d{1,15}$/.test(reference)) {
    const { rows } = await db.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints WHERE id = $1`, [Number(reference)]);
    return rows[0] && fromRow(rows[0]);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(reference)) return undefined;
  const { rows } = await db.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints WHERE merkle_root = $1 OR checkpoint_hash = $1 ORDER BY id LIMIT 1`,
    [Buffer.from(reference, 'hex')],
  );
  return rows[0] && fromRow(rows[0]);
};

const CHECKPOINT_LOCK = 'claim-ledger:log-checkpoints';

/** What names and signs the transparency log's checkpoints. */
export interface CheckpointSigning {
  /** The log's origin line (C2SP tlog-checkpoint), e.g. `claim-ledger.local/log`. */
  origin: string;
  /** Without a key, checkpoints carry the tree's size and root but no signed note. */
  signer?: NoteSigner;
}

interface CheckpointOptions {
  onlyIfGrown?: boolean;
  now?: () => Date;
  signing?: CheckpointSigning;
}

/** Writes the next checkpoint on `client`, which holds the checkpoint lock. */
const recordCheckpoint = async (
  client: Queryable,
  options: CheckpointOptions,
  digestAt: (head: LogPosition) => Promise<LogDigest>,
): Promise<{ checkpoint: LogCheckpoint; created: boolean }> => {
  const previous = await latestCheckpoint(client);
  // The checkpoint is taken where the transparency tree ends (extended to the readable head just before):
  // its tree covers exactly the events at or before its position.
  const tree = await treeHead(client);
  const head = tree.position;
  if (options.onlyIfGrown && previous && compareLogPositions(head, previous.position) <= 0) return { checkpoint: previous, created: false };
  const digest = await digestAt(head);
  const root = await treeRootAt(client, tree.size);
  const origin = options.signing?.origin;
  const signer = options.signing?.signer;
  const unsigned = {
    ...digest,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    previousHash: previous?.checkpointHash ?? ZERO_HASH,
    treeSize: tree.size,
    rootHash: root.toString('base64'),
    note: origin && signer ? signNote(checkpointBody(origin, tree.size, root), signer) : null,
  };
  const checkpointHash = checkpointHashOf(unsigned);
  const { rows } = await client.query<CheckpointRow>(
    `INSERT INTO log_checkpoints (transaction_id, global_position, created_at, stream_count, event_count, merkle_root, previous_hash, checkpoint_hash, tree_size, root_hash, note)
     VALUES ($1::text::xid8, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${CHECKPOINT_COLUMNS}`,
    [
      head.transactionId,
      head.globalPosition,
      unsigned.createdAt,
      digest.streams,
      digest.events,
      Buffer.from(digest.merkleRoot, 'hex'),
      Buffer.from(unsigned.previousHash, 'hex'),
      Buffer.from(checkpointHash, 'hex'),
      tree.size,
      root,
      unsigned.note,
    ],
  );
  return { checkpoint: fromRow(rows[0]), created: true };
};

/**
 * Records a checkpoint of the log at its readable head. With `onlyIfGrown`, returns the latest checkpoint
 * instead when the log has not moved past it. Checkpoint writers serialise on an advisory lock, so the
 * chain of checkpoint hashes has no forks.
 *
 * With `client`, all of it happens in the caller's open transaction, on that one connection (the lock is
 * then the transaction's): the checkpoint commits or rolls back with the caller's other work.
 */
export const createCheckpoint = async (
  pool: Pool,
  options: CheckpointOptions & { client?: PoolClient } = {},
): Promise<{ checkpoint: LogCheckpoint; created: boolean }> => {
  const { client: caller } = options;
  // Off the append path: the tree catches up with the log here (in its own short transactions, or in the caller's).
  if (caller) {
    await caller.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [CHECKPOINT_LOCK]);
    await extendTreeOn(caller);
    // Positions at or below the readable head are settled: the caller's snapshot reads them as a fresh one would.
    return recordCheckpoint(caller, options, (head) => digestOn(caller, head));
  }
  await extendTree(pool);
  return withClient(pool, async (client, discard) => {
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [CHECKPOINT_LOCK]);
      // The row goes in on the lock's own connection: if that connection was lost (and the lock with it), this fails too.
      return await recordCheckpoint(client, options, (head) => computeLogDigest(pool, head));
    } finally {
      // A connection that may still hold the session lock must not go back to the pool.
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [CHECKPOINT_LOCK]).catch((error: Error) => discard(error));
    }
  });
};

export interface CheckpointVerification {
  /** The log at the checkpoint's position still has the digest the checkpoint recorded. */
  matches: boolean;
  /** The checkpoint row's own hash and its link to the previous checkpoint hold. */
  checkpointIntact: boolean;
  expected: Pick<LogDigest, 'merkleRoot' | 'streams' | 'events'> & { position: LogPosition; checkpointHash?: string };
  found: LogDigest;
}

/**
 * Proves the log still matches a checkpoint: recomputes the digest at the checkpoint's position from the
 * events table and compares it with the root the auditor kept (or the stored one).
 */
export const verifyCheckpoint = async (
  pool: Pool,
  expected: { position: LogPosition; merkleRoot: string; streams?: number; events?: number },
  stored?: LogCheckpoint,
): Promise<CheckpointVerification> => {
  const found = await computeLogDigest(pool, expected.position);
  let checkpointIntact = true;
  if (stored) {
    const previous = await previousCheckpointHash(pool, stored.id);
    checkpointIntact = checkpointHashOf(stored) === stored.checkpointHash && previous === stored.previousHash;
  }
  return {
    matches:
      found.merkleRoot === expected.merkleRoot.toLowerCase() &&
      (expected.streams === undefined || found.streams === expected.streams) &&
      (expected.events === undefined || found.events === expected.events),
    checkpointIntact,
    expected: {
      position: expected.position,
      merkleRoot: expected.merkleRoot.toLowerCase(),
      streams: expected.streams ?? found.streams,
      events: expected.events ?? found.events,
      ...(stored ? { checkpointHash: stored.checkpointHash } : {}),
    },
    found,
  };
};

const previousCheckpointHash = async (db: Queryable, id: number): Promise<string> => {
  const { rows } = await db.query<{ checkpoint_hash: Buffer }>('SELECT checkpoint_hash FROM log_checkpoints WHERE id < $1 ORDER BY id DESC LIMIT 1', [id]);
  return rows[0] ? rows[0].checkpoint_hash.toString('hex') : ZERO_HASH;
};
