import { Pool } from 'pg';
import { ensureDatabase, migrateAll, withDatabase } from '@claims/platform';
import { waitUntil } from '@claims/testing';
import type { TopicCollector } from '../feed/feed-test-kit';
import { createTestApiKey } from '../support/api-keys';
import { startPrivatePostgres, type PrivatePostgres } from '../support/postgres-private-server';
import { collectTopics, crashLines, expectAcknowledgedWritesStoredOnce, expectFeedsDelivered, expectLogIntact, relayEnvironment } from './fault-test-kit';
import { startService, statusOf, waitForBanner, type ServiceProcess } from './service-process';
import { startWriteWorkload } from './write-workload';

/** "Answers writes again within seconds": the longest a restart may keep every writer waiting. */
const RECOVERY_LIMIT_MS = 15_000;

/**
 * The service (its own process, relay included) on a PostgreSQL server of the test's own, which is
 * stopped and restarted underneath it: the shared server of the run is never touched.
 */
describe('PostgreSQL stopped and restarted under the running service', () => {
  let server: PrivatePostgres;
  let ownerPool: Pool;
  let service: ServiceProcess;
  let collector: TopicCollector | undefined;
  let editor: string;
  let auditor: string;
  let databaseUrl: string;
  const topics = relayEnvironment();

  beforeAll(async () => {
    server = await startPrivatePostgres();
    process.stdout.write(`fault tests: ${server.description}\n`);
    databaseUrl = await ensureDatabase(server.adminUrl, 'claims');
    await migrateAll(databaseUrl);
    ownerPool = new Pool({ connectionString: databaseUrl, max: 2 });
    ownerPool.on('error', () => undefined); // its idle connections die with each restart; the next query reconnects
    editor = (await createTestApiKey(ownerPool, 'editor')).header.Authorization;
    auditor = (await createTestApiKey(ownerPool, 'auditor')).header.Authorization;
    service = await startService({ DATABASE_URL: databaseUrl, AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '1000000', ...topics.env });
    await waitForBanner(service);
  });
  afterAll(async () => {
    await collector?.stop();
    await service?.stop();
    await ownerPool?.end();
    await server?.drop();
  });

  it('fails readiness while PostgreSQL is down and recovers by itself; liveness answers throughout', async () => {
    expect(await statusOf(`${service.baseUrl}/health/ready`)).toBe(200);
    await server.stopFast();
    await waitUntil(async () => (await statusOf(`${service.baseUrl}/health/ready`)) === 503, { timeoutMs: 10_000, intervalMs: 100, what: 'readiness to fail' });
    const down = await fetch(`${service.baseUrl}/health/ready`);
    expect({ status: down.status, body: await down.json() }).toEqual({ status: 503, body: { status: 'unavailable', database: { status: 'down' } } });
    expect(await statusOf(`${service.baseUrl}/health/live`)).toBe(200);
    expect((await fetch(`${service.baseUrl}/health`)).status).toBe(503);

    await server.start();
    await waitUntil(async () => (await statusOf(`${service.baseUrl}/health/ready`)) === 200, { timeoutMs: 15_000, intervalMs: 100, what: 'readiness to recover' });
    expect(await statusOf(`${service.baseUrl}/health/live`)).toBe(200);
    expect(service.running()).toBe(true);
  });

  it('keeps running through three fast restarts during writes from 4 clients: writes resume within seconds, none is lost or doubled, the feeds drain, the log verifies', async () => {
    collector = await collectTopics(topics);
    const workload = startWriteWorkload(service.baseUrl, editor, 4, () => service.running());
    try {
      await waitUntil(() => workload.acknowledged.length >= 20 || workload.refusals.length > 0, { timeoutMs: 30_000, what: 'the first writes' });
      const recoveries: number[] = [];
      for (let restart = 0; restart < 3; restart++) {
        await server.restartFast();
        const back = Date.now();
        // The service takes new writes again at once; the writers' requests cut off by the restart complete
        // too, retried with their own keys (a cut-off request recorded nothing, not even its key).
        await workload.probe();
        recoveries.push(Date.now() - back);
        expect({ running: service.running(), crashes: crashLines(service.output()) }).toEqual({ running: true, crashes: [] });
        if (workload.refusals.length > 0) break;
      }
      process.stdout.write(`fault tests: writes acknowledged again ${recoveries.join(', ')} ms after each restart; ${workload.retries()} retries\n`);
      expect(recoveries.every((ms) => ms < RECOVERY_LIMIT_MS)).toBe(true);
    } finally {
      const stopping = Date.now();
      await workload.stop();
      process.stdout.write(`fault tests: writers stopped in ${Date.now() - stopping} ms\n`);
      if (workload.refusals.length > 0) process.stdout.write(`service output (last 60 lines):\n${service.output().split('\n').slice(-60).join('\n')}\n`);
    }
    expect(workload.refusals).toEqual([]);

    await expectAcknowledgedWritesStoredOnce(ownerPool, service.baseUrl, editor, workload.acknowledged);
    await expectFeedsDelivered(ownerPool, collector, topics);
    await expectLogIntact(service.baseUrl, auditor);
    expect(service.running()).toBe(true);
    expect(crashLines(service.output())).toEqual([]);
  }, 240_000);

  it('refuses to start with a wrong password: one line naming the server, exit code 1, no stack trace', async () => {
    const wrong = new URL(databaseUrl);
    wrong.password = 'not-the-password';
    const refused = await startService({ DATABASE_URL: wrong.toString(), LOG_LEVEL: 'warn' });
    const { code } = await refused.exit;
    const lines = refused.output().trim().split('\n');
    expect({ code, lines }).toEqual({
      code: 1,
      lines: [`claim-ledger failed to start: cannot connect to PostgreSQL at ${withDatabase(wrong.toString().replace('not-the-password', '***'), 'claims')} (DATABASE_URL): password authentication failed for user "postgres"`],
    });
  });
});
