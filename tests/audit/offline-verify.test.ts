import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitUntilLogReadable } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { runProjectProcess } from '../support/project-process';
import { TEST_LOG_ORIGIN, TEST_LOG_VERIFIER_KEY } from './transparency-keys';

/** `npm run verify` (libs/log-verifier/src/cli.ts, the script's command) as an auditor runs it, on files this API handed out. */
const verify = (...args: string[]) => runProjectProcess(['libs/log-verifier/src/cli.ts', ...args], {});

describe('offline verification of a claim export against two signed checkpoints', () => {
  let api: ApiTestApp;
  let dir: string;
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    writeFileSync(target, text);
    return target;
  };

  beforeAll(async () => {
    api = await startApiTestApp();
    dir = mkdtempSync(path.join(os.tmpdir(), 'claim-ledger-offline-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  });

  it('proves the signature, every exported event, the chains and the consistency; a tampered line fails', async () => {
    const source = await registerSource(api, { name: 'Menastream', reliability: 'C' });
    const { body: claim } = await api.http().post('/claims').send(openClaimBody(source)).expect(201);
    await waitUntilLogReadable(api.db.pool);
    const { body: cp1 } = await api.as('auditor').post('/audit/checkpoints').expect(201);
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(await registerSource(api, { name: 'Kidal Info', reliability: 'B' })) }).expect(201);
    await waitUntilLogReadable(api.db.pool);
    const { body: cp2 } = await api.as('auditor').post('/audit/checkpoints').expect(201);
    const exported = (await api.as('auditor').get(`/audit/export?claim=${claim.id}&checkpoint=${cp2.id}&since=${cp1.id}`).expect(200)).text as string;
    const { verifierKey } = (await api.anonymous().get('/audit/public-key').expect(200)).body;
    expect(verifierKey).toBe(TEST_LOG_VERIFIER_KEY);

    const args = ['--checkpoint', file('cp2.txt', cp2.note), '--key', verifierKey, '--export', file('claim.ndjson', exported), '--previous', file('cp1.txt', cp1.note)];
    const ok = await verify(...args);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = ok.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const events = exported.trim().split('\n').length - 2;
    expect(lines[0]).toMatch(
      new RegExp(`^verified: checkpoint ${TEST_LOG_ORIGIN.replace('/', '\\/')} size ${cp2.treeSize} signed by .+; ${events} events of 3 streams included, chains intact; consistent with size ${cp1.treeSize}$`),
    );

    // One exported event's data edited after the export: its chain hash, hence its inclusion, no longer holds.
    const tampered = exported.replace('ISGS fighters executed three', 'ISGS fighters executed four');
    expect(tampered).not.toBe(exported);
    const refused = await verify('--checkpoint', path.join(dir, 'cp2.txt'), '--key', verifierKey, '--export', file('tampered.ndjson', tampered), '--previous', path.join(dir, 'cp1.txt'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^FAILED: /);
  });
});
