import type { Queryable } from '../event-store.types';
import { EXPORT_END } from '../import-export';
import { consistencyProof, inclusionProofs, TreeProofRefused } from './tree-store';

/** The checkpoint an export proves its events against (header field `checkpoint`). */
export interface ExportCheckpoint {
  id: number;
  origin: string;
  treeSize: number;
  /** Base64. */
  rootHash: string;
  /** The signed note; null when the log has no signing key. */
  note: string | null;
}

export interface ExportProofOptions {
  checkpoint: ExportCheckpoint;
  /** An earlier checkpoint's tree size: the header then carries the consistency proof from it. */
  sinceTreeSize?: number;
  batchSize?: number;
}

const base64 = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('base64'));

/**
 * Adds the transparency log's proofs to an export (docs/transparency-log.md, "Export with proofs"): the
 * header gains `checkpoint` (and `consistency` from `sinceTreeSize`), each event line `leafIndex` and
 * `inclusionProof` against the checkpoint's tree size. The export must end at the checkpoint's position.
 * Event lines are extended as text, not re-serialised: their `data` and `metadata` stay byte for byte as
 * exported (a JSON round trip could alter large numbers, and the hashes with them).
 */
export async function* withInclusionProofs(db: Queryable, lines: AsyncIterable<string>, options: ExportProofOptions): AsyncGenerator<string> {
  const { checkpoint } = options;
  const batchSize = options.batchSize ?? 500;
  let header = true;
  let batch: Array<{ line: string; eventId: string }> = [];
  const flush = async function* (): AsyncGenerator<string> {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    const { rows } = await db.query<{ event_id: string; leaf_index: string }>(
      'SELECT event_id::text AS event_id, leaf_index FROM log_tree_leaves WHERE event_id = ANY($1::uuid[]) AND leaf_index < $2',
      [pending.map((entry) => entry.eventId), checkpoint.treeSize],
    );
    const leaves = new Map(rows.map((row) => [row.event_id, Number(row.leaf_index)]));
    const indexes = pending.map((entry) => {
      const index = leaves.get(entry.eventId);
      if (index === undefined) throw new TreeProofRefused('not_found', 'checkpoint', `event ${entry.eventId} is not in the tree of checkpoint ${checkpoint.id}`);
      return index;
    });
    const proofs = await inclusionProofs(db, indexes, checkpoint.treeSize);
    for (const [offset, entry] of pending.entries()) {
      yield `${entry.line.slice(0, entry.line.lastIndexOf('}'))},"leafIndex":${indexes[offset]},"inclusionProof":${JSON.stringify(base64(proofs[offset]))}}`;
    }
  };
  for await (const line of lines) {
    if (header) {
      header = false;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const consistency =
        options.sinceTreeSize === undefined
          ? undefined
          : { from: options.sinceTreeSize, to: checkpoint.treeSize, proof: base64(await consistencyProof(db, options.sinceTreeSize, checkpoint.treeSize)) };
      yield JSON.stringify({
        ...parsed,
        checkpoint: { id: checkpoint.id, origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, note: checkpoint.note },
        ...(consistency ? { consistency } : {}),
      });
      continue;
    }
    if (line.startsWith(`{"kind":"${EXPORT_END}"`)) {
      yield* flush();
      yield line;
      continue;
    }
    batch.push({ line, eventId: (JSON.parse(line) as { eventId: string }).eventId });
    if (batch.length >= batchSize) yield* flush();
  }
  yield* flush();
}
