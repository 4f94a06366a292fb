import { MTH, PATH, PROOF } from './rfc9162-reference';
import { checkpointBody, type TestSigner } from './note-signer';

/**
 * Test-only: turns a plain export into an export with proofs, as the server's export against a checkpoint
 * does (`/tmp/team/A-B-contract.md`), with the tree built by RFC 9162's recursive definitions. `log` is the
 * whole log's event lines in log order: its hashes are the tree's leaves.
 */
export interface TestCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  note: string;
}

const eventsOf = (lines: readonly string[]) => lines.slice(1, -1).map((line) => JSON.parse(line) as { eventId: string; hash: string });

/** The tree's leaf inputs: each event's stored hash, in log order. */
export const leavesOf = (log: readonly string[]): Buffer[] => eventsOf(log).map((event) => Buffer.from(event.hash, 'hex'));

/** A checkpoint over the first `treeSize` events of `log`, signed by `signer`. */
export const signCheckpoint = (signer: TestSigner, log: readonly string[], treeSize: number, origin = signer.name): TestCheckpoint => {
  const rootHash = MTH(leavesOf(log).slice(0, treeSize));
  return { treeSize, rootHash, note: signer.sign(checkpointBody(origin, treeSize, rootHash)) };
};

/** The consistency proof between two sizes of `log`, as the server's consistency route answers it. */
export const consistencyProof = (log: readonly string[], from: number, to: number) => ({
  from,
  to,
  proof: PROOF(from, leavesOf(log).slice(0, to)).map((hash) => hash.toString('base64')),
});

/** `lines` (a whole or claim export) with the checkpoint in its header and each event's leaf index and inclusion proof. */
export const withProofs = (lines: readonly string[], log: readonly string[], checkpoint: TestCheckpoint, since?: number): string[] => {
  const leaves = leavesOf(log).slice(0, checkpoint.treeSize);
  const indexOf = new Map(eventsOf(log).map((event, index) => [event.eventId, index]));
  const header = JSON.parse(lines[0]) as Record<string, unknown>;
  header.checkpoint = { id: 1, origin: checkpoint.note.split('\n')[0], treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.toString('base64'), note: checkpoint.note };
  if (since !== undefined) header.consistency = consistencyProof(log, since, checkpoint.treeSize);
  const events = lines.slice(1, -1).map((line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    const leafIndex = indexOf.get(event.eventId as string) as number;
    return JSON.stringify({ ...event, leafIndex, inclusionProof: PATH(leafIndex, leaves).map((hash) => hash.toString('base64')) });
  });
  return [JSON.stringify(header), ...events, lines[lines.length - 1]];
};
