import { rmSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive, postmasterPid } from '@claims/platform';
import { waitUntil } from '@claims/testing';
import { openClaimBody } from '../api/api-fixtures';
import { makeDataParent } from '../support/npm-start';
import { crashLines } from './fault-test-kit';
import { startService, statusOf, waitForBanner, type ServiceProcess } from './service-process';

/** The service's embedded postmaster (its data folder is `postgres` in DATA_DIR). */
const servicePostmasterPid = (dataDir: string) => postmasterPid(path.join(dataDir, 'postgres'));

/**
 * `npm start` with nothing configured owns its PostgreSQL (the embedded server in DATA_DIR). When that
 * postmaster goes away under it (shut down from outside, killed), the service starts it again on the same
 * port and data and carries on, in the same process.
 */
describe('the embedded PostgreSQL stopped under the running service', () => {
  let parent: string;
  let dataDir: string;
  let service: ServiceProcess;
  let editor: string;

  beforeAll(async () => {
    parent = makeDataParent('claim-ledger-faults-embedded-');
    dataDir = path.join(parent, 'data');
    service = await startService({ DATABASE_URL: undefined, DATABASE_APP_URL: undefined, DATA_DIR: dataDir, KAFKA_BROKERS: '', RATE_LIMIT_PER_MINUTE: '1000000' });
    await waitForBanner(service);
    const adminKey = (await waitUntil(() => /admin key: (clk_\S+)/.exec(service.output()), { what: 'the first admin key' }))[1];
    const created = await fetch(`${service.baseUrl}/admin/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fault test editor', role: 'editor' }),
    });
    expect(created.status).toBe(201);
    editor = `Bearer ${((await created.json()) as { secret: string }).secret}`;
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  const post = async (url: string, body: unknown) => {
    const response = await fetch(`${service.baseUrl}${url}`, { method: 'POST', headers: { authorization: editor, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { id: string } };
  };

  /** Stops the postmaster with `signal`, then waits until the service has a new one and serves writes again. */
  const outlive = async (signal: NodeJS.Signals) => {
    const before = (await servicePostmasterPid(dataDir))!;
    expect(isProcessAlive(before)).toBe(true);
    process.kill(before, signal);
    await waitUntil(() => !isProcessAlive(before), { timeoutMs: 30_000, what: `postmaster ${before} to exit on ${signal}` });
    const after = await waitUntil(
      async () => {
        const pid = await servicePostmasterPid(dataDir);
        return pid !== undefined && pid !== before && isProcessAlive(pid) ? pid : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: () => `a new postmaster; service output:\n${service.output()}` },
    );
    await waitUntil(async () => (await statusOf(`${service.baseUrl}/health/ready`)) === 200, { timeoutMs: 30_000, intervalMs: 100, what: 'readiness after the restart' });
    return after;
  };

  it('starts its postmaster again after a fast shutdown from outside and after a kill, and keeps serving in the same process', async () => {
    const source = await post('/sources', { name: 'Menastream', kind: 'social_media_account', reliability: 'C' });
    expect(source.status).toBe(201);
    const before = await post('/claims', openClaimBody(source.body.id));
    expect(before.status).toBe(201);

    await outlive('SIGINT'); // PostgreSQL's fast shutdown, as `pg_ctl stop -m fast` sends it
    expect(service.output()).toMatch(/exited; starting it again/);
    const between = await post('/claims', openClaimBody(source.body.id, { statement: 'written after the first restart' }));
    expect(between.status).toBe(201);

    await outlive('SIGKILL'); // a crash: no shutdown at all
    const after = await post('/claims', openClaimBody(source.body.id, { statement: 'written after the second restart' }));
    expect(after.status).toBe(201);

    for (const claim of [before, between, after]) {
      expect((await fetch(`${service.baseUrl}/claims/${claim.body.id}`, { headers: { authorization: editor } })).status).toBe(200);
    }
    expect(await statusOf(`${service.baseUrl}/health/live`)).toBe(200);
    expect(service.running()).toBe(true);
    expect(crashLines(service.output())).toEqual([]);
  });
});
