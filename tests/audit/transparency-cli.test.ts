import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseVerifierKey, verifyNote } from '@claims/event-store';
import { waitUntilLogReadable } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { runProjectProcess } from '../support/project-process';
import { TEST_LOG_ORIGIN, TEST_LOG_SIGNING_KEY, TEST_LOG_VERIFIER_KEY } from './transparency-keys';

/** The transparency log from the command line: the same answers as the routes, from the same database. */
describe('npm run cli -- audit keygen | checkpoint | proof, export --checkpoint', () => {
  let api: ApiTestApp;
  let dir: string;
  const cli = (...args: string[]) =>
    runProjectProcess(['apps/api/src/cli/cli.ts', ...args], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', AUDIT_LOG_ORIGIN: TEST_LOG_ORIGIN, AUDIT_SIGNING_KEY: TEST_LOG_SIGNING_KEY });

  beforeAll(async () => {
    api = await startApiTestApp();
    dir = mkdtempSync(path.join(os.tmpdir(), 'claim-ledger-cli-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  });

  it('generates a key file owner-only and never overwrites it', async () => {
    const file = path.join(dir, 'log.key');
    const made = await cli('audit', 'keygen', '--name', 'ledger.example.org/claims', '--output', file);
    expect(made.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { verifierKey } = JSON.parse(made.stdout.trim());
    expect(parseVerifierKey(verifierKey).name).toBe('ledger.example.org/claims');
    expect(readFileSync(file, 'utf8')).toMatch(/^PRIVATE\+KEY\+ledger\.example\.org\/claims\+/);
    const again = await cli('audit', 'keygen', '--output', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/never overwritten/);
  });

  it('signs a checkpoint, prints the proofs and a claim export with proofs exactly as the routes give them, and verifies the tree', async () => {
    const source = await registerSource(api, { name: 'Menastream', reliability: 'C' });
    const { body: claim } = await api.http().post('/claims').send(openClaimBody(source)).expect(201);
    await waitUntilLogReadable(api.db.pool);
    const first = await cli('audit', 'checkpoint');
    expect(first.code).toBe(0);
    const cp1 = JSON.parse(first.stdout.trim());
    expect(verifyNote(cp1.note, parseVerifierKey(TEST_LOG_VERIFIER_KEY)).body).toBe(`${TEST_LOG_ORIGIN}\n${cp1.treeSize}\n${cp1.rootHash}\n`);
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(await registerSource(api, { name: 'Kidal Info', reliability: 'B' })) }).expect(201);
    await waitUntilLogReadable(api.db.pool);
    const { body: cp2 } = await api.as('auditor').post('/audit/checkpoints').expect(201);

    const [opened] = await api.store.readStream(`claim-${claim.id}`);
    const inclusion = await cli('audit', 'proof', 'inclusion', '--event', opened.eventId, '--tree-size', String(cp2.treeSize));
    expect(JSON.parse(inclusion.stdout)).toEqual((await api.as('auditor').get(`/audit/proofs/inclusion?eventId=${opened.eventId}&treeSize=${cp2.treeSize}`).expect(200)).body);
    const consistency = await cli('audit', 'proof', 'consistency', '--from', String(cp1.treeSize), '--to', String(cp2.treeSize));
    expect(JSON.parse(consistency.stdout)).toEqual((await api.as('auditor').get(`/audit/proofs/consistency?from=${cp1.treeSize}&to=${cp2.treeSize}`).expect(200)).body);
    const beyond = await cli('audit', 'proof', 'consistency', '--from', '1', '--to', String(cp2.treeSize + 100));
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toMatch(/no tree of size/);

    const output = path.join(dir, 'claim.ndjson');
    const exported = await cli('export', '--claim', claim.id, '--checkpoint', String(cp2.id), '--since', String(cp1.id), '--output', output);
    expect(exported.code).toBe(0);
    const viaRoute = (await api.as('auditor').get(`/audit/export?claim=${claim.id}&checkpoint=${cp2.id}&since=${cp1.id}`).expect(200)).text;
    expect(readFileSync(output, 'utf8')).toBe(viaRoute);
    expect(JSON.parse(viaRoute.split('\n')[0]).consistency).toMatchObject({ from: cp1.treeSize, to: cp2.treeSize });

    const verified = await cli('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/transparency tree intact: \d+ leaves rebuilt from the log, 2 checkpoint roots match/);
  });
});
