import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportLog, PgEventStore } from '@claims/event-store';
import { createTestDatabase, runProjectProcess, waitUntilLogReadable, type TestDatabase } from '@claims/testing';
import { verifyExport, VerificationFailed } from '../../libs/log-verifier/src';
import { consistencyProof, signCheckpoint, withProofs } from '../../libs/log-verifier/testing/export-proofs';
import { testSigner } from '../../libs/log-verifier/testing/note-signer';
import { REPO_ROOT } from '../support/npm-start';

/**
 * The offline verifier on exports of a real store: the chains it recomputes are the store's own, and an
 * edited line is caught. The proofs here are built by the test from RFC 9162's recursive definitions (the
 * server's proof routes are tested end to end in offline-verify.test.ts), so a failure points at the verifier.
 */
describe('the offline verifier on a real export', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let dir: string;
  const claim = `claim-${randomUUID()}`;
  const source = `source-${randomUUID()}`;
  const other = `claim-${randomUUID()}`;

  const event = (n: number) => ({
    eventId: randomUUID(),
    type: 'ReportAdded',
    // Values whose JSON spelling changes through jsonb and JCS: key order, 1.50, 1e21, unicode.
    data: { zeta: n, alpha: `Trois exécutions – Ménaka ${n}`, figure: 1.5, big: 1e21, nested: { b: [true, null], a: '“quoted”' } },
    metadata: { actor: { id: 'analyst-1', kind: 'user' }, correlationId: `case-${n}` },
  });
  const collect = async (lines: AsyncIterable<string>) => {
    const all: string[] = [];
    for await (const line of lines) all.push(line);
    return all;
  };
  const from = async function* (lines: readonly string[]) {
    yield* lines;
  };
  const verifyCli = (...args: string[]) => runProjectProcess(['libs/log-verifier/src/cli.ts', ...args], {});
  const file = async (name: string, content: string) => {
    const at = path.join(dir, name);
    await writeFile(at, content);
    return at;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    dir = await mkdtemp(path.join(tmpdir(), 'log-verifier-'));
    // Interleaved, several events per append, so streams alternate in the log.
    for (let n = 1; n <= 5; n++) {
      await store.append(claim, [event(n), event(n + 100)]);
      await store.append(source, [event(n + 200)]);
      await store.append(other, [event(n + 300)]);
    }
    await waitUntilLogReadable(db.pool);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  });

  it("recomputes the store's chains for a claim export and a whole-log export, and catches an edited line", async () => {
    const claimExport = await collect(exportLog(db.pool, { streamIds: [claim, source] }));
    await expect(verifyExport(from(claimExport))).resolves.toMatchObject({ events: 15, streams: 2, inclusionChecked: false });
    await expect(verifyExport(from(await collect(exportLog(db.pool))))).resolves.toMatchObject({ events: 20, streams: 3 });

    const editedAt = claimExport.findIndex((line) => line.includes('Ménaka 3"'));
    const edited = claimExport.map((line, index) => (index === editedAt ? line.replace('Ménaka 3"', 'Ménaka 4"') : line));
    expect(edited).not.toEqual(claimExport);
    const failure = await verifyExport(from(edited)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(VerificationFailed);
    expect((failure as VerificationFailed).message).toMatch(new RegExp(`^stream ${claim} version 5 \\(export line ${editedAt + 1}\\): the hash does not verify`));
    // A dropped event in the middle of a stream is a gap.
    const dropped = claimExport.filter((_, index) => index !== 2);
    await expect(verifyExport(from(dropped))).rejects.toThrow(/expected version 2, found version 3/);
  });

  it('as `npm run verify`: one line of what it proved, exit 0; FAILED and exit 1 on a tampered file; exit 2 on a usage error', async () => {
    const log = await collect(exportLog(db.pool));
    const signer = testSigner('claim-ledger.local/log');
    const old = signCheckpoint(signer, log, 12);
    const current = signCheckpoint(signer, log, 20);
    const claimExport = withProofs(await collect(exportLog(db.pool, { streamIds: [claim, source] })), log, current, 12);
    const key = signer.verifierKey;
    const label = key.split('+').slice(0, 2).join('+');
    const paths = {
      checkpoint: await file('cp.txt', current.note),
      old: await file('cp-old.txt', old.note),
      export: await file('claim.ndjson', `${claimExport.join('\n')}\n`),
      proof: await file('proof.json', JSON.stringify(consistencyProof(log, 12, 20))),
      key: await file('key.json', JSON.stringify({ origin: 'claim-ledger.local/log', verifierKey: key })),
      // As an auditor saves them: the server's checkpoint JSON, and a note with an extra newline at its end (`jq -r`).
      checkpointJson: await file('cp.json', JSON.stringify({ id: 2, treeSize: 20, rootHash: current.rootHash.toString('base64'), note: current.note })),
      oldWithNewline: await file('cp-old-jq.txt', `${old.note}\n`),
    };

    const ok = await verifyCli('--checkpoint', paths.checkpoint, '--key', key, '--export', paths.export, '--previous', paths.old);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toBe(`verified: checkpoint claim-ledger.local/log size 20 signed by ${label}; 15 events of 2 streams included, chains intact; consistent with size 12\n`);

    const json = await verifyCli('--checkpoint', paths.checkpointJson, '--key', paths.key, '--previous', paths.oldWithNewline, '--consistency', paths.proof, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ verified: true, checkpoint: { treeSize: 20, signedBy: label }, previous: { treeSize: 12, shownBy: 'proof file' } });

    const tampered = await file('tampered.ndjson', `${claimExport.map((line) => line.replace('Ménaka 2"', 'Ménaka 9"')).join('\n')}\n`);
    const refused = await verifyCli('--checkpoint', paths.checkpoint, '--key', key, '--export', tampered);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`^FAILED: stream ${claim} version 3 \\(export line \\d+\\): the hash does not verify: its content chains to [0-9a-f]{64}, the export says [0-9a-f]{64}\\n$`));

    const otherKey = testSigner('claim-ledger.local/log').verifierKey;
    const wrongKey = await verifyCli('--checkpoint', paths.checkpoint, '--key', otherKey);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^FAILED: the note has no signature by claim-ledger\.local\/log\+[0-9a-f]{8} \(it is signed by claim-ledger\.local\/log\+[0-9a-f]{8}\)\n$/);

    const usage = await verifyCli('--checkpoint', paths.checkpoint);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage error: --checkpoint and --key are required\n/);
    expect((await verifyCli('--checkpoint', paths.checkpoint, '--key', key, '--previous', paths.old)).code).toBe(2);
    expect((await verifyCli('--checkpoint', paths.checkpoint, '--key', key, '--unknown')).code).toBe(2);
  });

  it('compiles on its own and runs with plain node outside the repository (no dependency but Node)', async () => {
    const out = path.join(dir, 'standalone');
    const run = promisify(execFile);
    await run(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO_ROOT, 'libs/log-verifier/tsconfig.json'), '--outDir', out], { cwd: REPO_ROOT });
    const log = await collect(exportLog(db.pool));
    const signer = testSigner('claim-ledger.local/log');
    const current = signCheckpoint(signer, log, 20);
    const wholeLog = await file('log.ndjson', `${withProofs(log, log, current).join('\n')}\n`);
    const checkpoint = await file('cp-whole.txt', current.note);
    // From a folder outside the repository, so no module of the repository's node_modules can be found.
    const { stdout } = await run(process.execPath, [path.join(out, 'cli.js'), '--checkpoint', checkpoint, '--key', signer.verifierKey, '--export', wholeLog], { cwd: dir });
    expect(stdout).toMatch(/^verified: checkpoint claim-ledger\.local\/log size 20 signed by .*; 20 events of 3 streams included \(the whole log\), chains intact\n$/);
  });
});
