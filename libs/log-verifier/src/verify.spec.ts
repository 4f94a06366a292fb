import { randomUUID } from 'node:crypto';
import { chainHashOf, contentHashOf, GENESIS_HASH } from '../../event-store/src/event-hash';
import { consistencyProof, signCheckpoint, withProofs } from '../testing/export-proofs';
import { testSigner } from '../testing/note-signer';
import { UsageError, VerificationFailed } from './errors';
import { describeResult, verifyAuditEvidence, verifyExport, type VerifyInput } from './verify';

const ORIGIN = 'claim-ledger.local/log';
const signer = testSigner(ORIGIN);

/** An export of a synthetic log, hashed by the server's own functions; `streams` picks a claim export's streams. */
const exportOf = (events: Array<{ streamId: string; line: string }>, streams: string[] | null) => {
  const chosen = events.filter((event) => streams === null || streams.includes(event.streamId));
  return [
    JSON.stringify({ kind: 'claim-ledger.export', formatVersion: 1, upTo: `900-${events.length}`, streams }),
    ...chosen.map((event) => event.line),
    JSON.stringify({ kind: 'claim-ledger.export.end', events: chosen.length, streams: new Set(chosen.map((event) => event.streamId)).size }),
  ];
};

const synthesiseLog = (count: number) => {
  const streams = ['claim-1', 'source-1', 'claim-2'];
  const heads = new Map<string, { version: number; hash: Buffer }>();
  return Array.from({ length: count }, (_, index) => {
    const streamId = streams[index % 3];
    const head = heads.get(streamId) ?? { version: 0, hash: GENESIS_HASH };
    const content = {
      streamId,
      eventId: randomUUID(),
      type: 'ReportAdded',
      schemaVersion: 1,
      data: { n: index, quote: 'Trois exécutions – Ménaka', figure: 3.5e21 },
      metadata: { actor: { id: 'analyst-1', kind: 'user' } },
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index, 7)),
    };
    const hash = chainHashOf(head.hash, head.version + 1, contentHashOf(content));
    heads.set(streamId, { version: head.version + 1, hash });
    const line = JSON.stringify({
      position: `900-${index + 1}`, streamId, streamVersion: head.version + 1, eventId: content.eventId, type: content.type, schemaVersion: 1,
      recordedAt: content.recordedAt.toISOString().replace('Z', '000Z'), hash: hash.toString('hex'), data: content.data, metadata: content.metadata,
    });
    return { streamId, line };
  });
};

const lines = async function* (all: readonly string[]) {
  yield* all;
};

const failure = async (input: VerifyInput): Promise<string> => {
  try {
    await verifyAuditEvidence(input);
  } catch (error) {
    if (error instanceof VerificationFailed) return `${error.check}: ${error.message}`;
    if (error instanceof UsageError) return `usage: ${error.message}`;
    throw error;
  }
  throw new Error('expected the verification to fail');
};

const editLine = (all: string[], index: number, edit: (event: Record<string, unknown>) => void) =>
  all.map((line, i) => {
    if (i !== index) return line;
    const event = JSON.parse(line) as Record<string, unknown>;
    edit(event);
    return JSON.stringify(event);
  });

describe('the offline verification', () => {
  const log = exportOf(synthesiseLog(17), null);
  const old = signCheckpoint(signer, log, 11);
  const current = signCheckpoint(signer, log, 17);
  const logEvents = log.slice(1, -1).map((line) => ({ streamId: (JSON.parse(line) as { streamId: string }).streamId, line }));
  /** A claim's export: its claim stream and its source's, against the current checkpoint, with the proof from the old one. */
  const claim = withProofs(exportOf(logEvents, ['claim-1', 'source-1']), log, current, 11);
  const base = { checkpoint: current.note, verifierKey: signer.verifierKey };

  it('proves a claim export: signature, inclusion of each event, chains, consistency with the earlier checkpoint', async () => {
    const result = await verifyAuditEvidence({ ...base, exportLines: lines(claim), previous: old.note });
    expect(result).toMatchObject({
      checkpoint: { origin: ORIGIN, treeSize: 17, rootHash: current.rootHash.toString('base64'), signedBy: signer.verifierKey.split('+').slice(0, 2).join('+') },
      export: { events: 12, streams: 2, inclusionChecked: true, wholeLog: false },
      previous: { treeSize: 11, shownBy: 'export proof' },
    });
    expect(describeResult(result)).toBe(`verified: checkpoint ${ORIGIN} size 17 signed by ${result.checkpoint.signedBy}; 12 events of 2 streams included, chains intact; consistent with size 11`);
  });

  it('proves a whole-log export leaf by leaf, and a checkpoint alone', async () => {
    const result = await verifyAuditEvidence({ ...base, exportLines: lines(withProofs(log, log, current)) });
    expect(describeResult(result)).toBe(`verified: checkpoint ${ORIGIN} size 17 signed by ${result.checkpoint.signedBy}; 17 events of 3 streams included (the whole log), chains intact`);
    expect(describeResult(await verifyAuditEvidence(base))).toBe(`verified: checkpoint ${ORIGIN} size 17 signed by ${result.checkpoint.signedBy}`);
    // A whole-log export that leaves out a leaf is not the whole log.
    const missing = withProofs(log, log, current).filter((_, index) => index !== 17).map((line, index, all) => (index === all.length - 1 ? JSON.stringify({ kind: 'claim-ledger.export.end', events: 16, streams: 3 }) : line));
    expect(await failure({ ...base, exportLines: lines(missing) })).toBe('export: the export holds the whole log but 16 events, the checkpoint\'s tree has 17 leaves');
  });

  it('refuses a tampered event, a tampered proof, a wrong leaf index and an export against another checkpoint', async () => {
    const tampered = editLine(claim, 3, (event) => ((event.data as { quote: string }).quote = 'Deux exécutions'));
    expect(await failure({ ...base, exportLines: lines(tampered) })).toMatch(/^chain: stream claim-1 version 2 \(export line 4\): the hash does not verify: its content chains to [0-9a-f]{64}, the export says [0-9a-f]{64}$/);
    const flippedProof = editLine(claim, 2, (event) => {
      const proof = event.inclusionProof as string[];
      proof[0] = Buffer.from(Buffer.from(proof[0], 'base64').map((byte, i) => (i === 0 ? byte ^ 1 : byte))).toString('base64');
    });
    expect(await failure({ ...base, exportLines: lines(flippedProof) })).toMatch(/^inclusion: export line 3: event [0-9a-f-]+ \(stream source-1 version 1\) is not proven to be leaf 1 of the checkpoint's tree of size 17: the proof does not lead to the root hash$/);
    const wrongIndex = editLine(claim, 2, (event) => (event.leafIndex = 2));
    expect(await failure({ ...base, exportLines: lines(wrongIndex) })).toMatch(/^inclusion: export line 3: .* not proven to be leaf 2/);
    const noProofs = exportOf(logEvents, ['claim-1']);
    expect(await failure({ ...base, exportLines: lines(noProofs) })).toMatch(/^export: export line 1: the header names no checkpoint/);
    expect(await failure({ checkpoint: old.note, verifierKey: signer.verifierKey, exportLines: lines(claim) })).toMatch(/^export: the export's proofs are against the tree of size 17 with root .*, the checkpoint is size 11/);
    expect(await failure({ ...base, exportLines: lines(claim.slice(0, -1)) })).toBe('export: the export has no end marker: the file is incomplete');
    expect(await failure({ ...base, exportLines: lines([...claim.slice(0, -1), JSON.stringify({ kind: 'claim-ledger.export.end', events: 13, streams: 2 })]) })).toBe('export: the end marker counts 13 events, the file has 12');
    expect(await failure({ ...base, exportLines: lines([claim[0], claim[2], claim[1], ...claim.slice(3)]) })).toMatch(/^export: export line 3: position 900-1 is not after 900-2/);
    // A duplicated key: JSON.parse keeps the last (the original, so the hash holds), another reader the first.
    const twice = claim.map((line, index) => (index === 3 ? line.replace('"data":{', '"data":{"quote":"Deux exécutions",') : line));
    expect(twice[3]).not.toBe(claim[3]);
    expect(await failure({ ...base, exportLines: lines(twice) })).toBe('export: export line 4: the key "quote" appears twice in one object: readers disagree on which value it holds');
    // A time the hash cannot be taken over is the export's fault, named by line (not "the verifier could not finish").
    const rolledOver = editLine(claim, 1, (event) => (event.recordedAt = (event.recordedAt as string).replace('2026-01-01', '2025-12-32')));
    expect(await failure({ ...base, exportLines: lines(rolledOver) })).toMatch(/^export: export line 2: recordedAt "2025-12-32T.*" is not a valid time$/);
    const february = editLine(claim, 1, (event) => (event.recordedAt = (event.recordedAt as string).replace('2026-01-01', '2025-11-31')));
    expect(await failure({ ...base, exportLines: lines(february) })).toMatch(/^export: export line 2: recordedAt "2025-11-31T.*" names a day its month does not have$/);
  });

  it('refuses a note signed by another key and a checkpoint of another origin', async () => {
    const other = testSigner(ORIGIN);
    expect(await failure({ ...base, checkpoint: signCheckpoint(other, log, 17).note })).toMatch(/^note: the note has no signature by claim-ledger\.local\/log\+[0-9a-f]{8} \(it is signed by claim-ledger\.local\/log\+[0-9a-f]{8}\)$/);
    expect(await failure({ ...base, previous: signCheckpoint(other, log, 11).note })).toMatch(/^note: the note has no signature by/);
    const elsewhere = signCheckpoint(signer, log, 17, 'other.example/log');
    expect(await failure({ ...base, checkpoint: elsewhere.note })).toBe('checkpoint: the checkpoint is for origin "other.example/log", expected "claim-ledger.local/log"');
    expect((await verifyAuditEvidence({ ...base, checkpoint: elsewhere.note, origin: 'other.example/log' })).checkpoint.origin).toBe('other.example/log');
  });

  it('checks consistency from a proof file, and refuses a shrunk or rewritten log', async () => {
    const fromFile = await verifyAuditEvidence({ ...base, previous: old.note, consistency: consistencyProof(log, 11, 17) });
    expect(fromFile.previous?.shownBy).toBe('proof file');
    expect(await failure({ ...base, previous: old.note, consistency: consistencyProof(log, 10, 17) })).toBe('consistency: the consistency proof is from size 10 to 17, the checkpoints are sizes 11 and 17');
    expect(await failure({ ...base, previous: old.note })).toMatch(/^usage: no consistency proof from size 11 to 17: pass --consistency/);
    expect(await failure({ checkpoint: old.note, verifierKey: signer.verifierKey, previous: current.note })).toBe('consistency: the earlier checkpoint (size 17) is larger than the later one (size 11): the log shrank');
    expect((await verifyAuditEvidence({ ...base, previous: current.note })).previous?.shownBy).toBe('same tree');
    // History rewritten: the old checkpoint was over other events; the server's proof cannot link the two.
    const rewrittenLog = exportOf(synthesiseLog(17), null);
    const rewrittenOld = signCheckpoint(signer, rewrittenLog, 11);
    expect(await failure({ ...base, previous: rewrittenOld.note, consistency: consistencyProof(log, 11, 17) })).toBe(
      'consistency: the checkpoint of size 17 is not proven to extend the one of size 11: the proof does not lead to the earlier root (11 leaves)',
    );
    const sameSize = signCheckpoint(signer, rewrittenLog, 17);
    expect(await failure({ ...base, previous: sameSize.note })).toBe('consistency: the checkpoint of size 17 is not proven to extend the one of size 17: two trees of 17 leaves with different roots');
  });

  it('checks the chains of a plain export without a checkpoint', async () => {
    await expect(verifyExport(lines(log))).resolves.toMatchObject({ events: 17, streams: 3, inclusionChecked: false });
    const gap = log.filter((_, index) => index !== 4).map((line, index, all) => (index === all.length - 1 ? JSON.stringify({ kind: 'claim-ledger.export.end', events: 16, streams: 3 }) : line));
    await expect(verifyExport(lines(gap))).rejects.toThrow(/stream claim-1: expected version 2, found version 3 \(export line 7\)/);
  });
});
