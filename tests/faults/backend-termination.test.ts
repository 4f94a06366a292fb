import { createTestDatabase, runCli, waitUntil, type TestDatabase } from '@claims/testing';
import type { TopicCollector } from '../feed/feed-test-kit';
import { createTestApiKey } from '../support/api-keys';
import { collectTopics, crashLines, expectAcknowledgedWritesStoredOnce, expectFeedsDelivered, expectLogIntact, relayEnvironment } from './fault-test-kit';
import { startService, waitForBanner, type ServiceProcess } from './service-process';
import { startWriteWorkload } from './write-workload';

/** The terminator's seed: FAULT_SEED=<n> replays a run's choices (the order of backends aside). */
const SEED = Number(process.env.FAULT_SEED ?? 11);
const MAX_TERMINATIONS = 60;
const FAULT_PHASE_MS = 25_000;
/** The application names of the service's and the CLI's sessions (a marked log reader's carries its xid). */
const KNOWN_SESSIONS = ['claim-ledger', 'claim-ledger-feed-relay', 'claim-ledger-cli', 'claim-ledger-webhooks', 'claim-ledger-key-changes', 'claim-ledger-log-reader'];

/** mulberry32: a small seeded generator, so a failing run's choices can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

interface Termination {
  pid: number;
  application: string;
  state: string;
  query: string;
}

/**
 * The service's PostgreSQL sessions terminated one at a time, at random, while it appends (4 writers),
 * runs its subscriptions and relay (to the real Kafka), records checkpoints and while a rebuild runs from
 * the command line. Its own database on the run's server: only the sessions of this test's processes die.
 */
describe('backends of the service terminated at random points', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let collector: TopicCollector | undefined;
  let editor: string;
  let auditor: string;
  const topics = relayEnvironment();

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 3 });
    editor = (await createTestApiKey(db.pool, 'editor')).header.Authorization;
    auditor = (await createTestApiKey(db.pool, 'auditor')).header.Authorization;
    service = await startService({ DATABASE_URL: db.url, AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '1000000', ...topics.env });
    await waitForBanner(service);
  });
  afterAll(async () => {
    await collector?.stop();
    await service?.stop();
    await db?.drop();
  });

  it('survives every termination: nothing crashes, every acknowledged write is stored once, every status change and event reaches Kafka, checkpoints and a rebuild complete', async () => {
    collector = await collectTopics(topics);
    const random = seeded(SEED);
    const terminations: Termination[] = [];
    const workload = startWriteWorkload(service.baseUrl, editor, 4, () => service.running());
    let faulting = true;

    const terminator = (async () => {
      const until = Date.now() + FAULT_PHASE_MS;
      while (faulting && service.running() && Date.now() < until && terminations.length < MAX_TERMINATIONS) {
        const { rows } = await db.pool.query<Termination>(
          `SELECT pid, application_name AS application, coalesce(state, '') AS state, left(query, 80) AS query FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'claim-ledger%' ORDER BY pid`,
        );
        // First a kind of session (the service's pool, its relay, the command line's rebuild), then one of them:
        // the few sessions of a rebuild are hit as often as the many of the pool.
        const kinds = [...new Set(rows.map((row) => row.application))];
        if (kinds.length > 0) {
          const kind = kinds[Math.floor(random() * kinds.length)];
          const candidates = rows.filter((row) => row.application === kind);
          const victim = candidates[Math.floor(random() * candidates.length)];
          await db.pool.query('SELECT pg_terminate_backend($1)', [victim.pid]);
          terminations.push(victim);
        }
        // The pacing of the faults (not a synchronisation): spread them over the phase, 100-600 ms apart.
        await new Promise((resolve) => setTimeout(resolve, 100 + random() * 500));
      }
    })();

    // Checkpoints through the API while sessions die: each one acknowledged must verify afterwards.
    const checkpoints: string[] = [];
    const checkpointer = (async () => {
      while (faulting) {
        const response = await fetch(`${service.baseUrl}/audit/checkpoints`, { method: 'POST', headers: { authorization: auditor, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
        if (response?.status === 201) checkpoints.push(((await response.json()) as { id: string }).id);
        else await response?.arrayBuffer();
        await waitUntil(() => workload.acknowledged.length > checkpoints.length * 10 || !faulting, { timeoutMs: 60_000 });
      }
    })();

    // Rebuilds from the command line, one after another while sessions die: each completes or stops on its lost
    // connection (it resumes when run again); the last one, after the faults, must complete without drift.
    const rebuilds: Array<{ code: number | null; stderr: string }> = [];
    const rebuild = () => runCli(db.url, 'projections', 'rebuild', '--batch-size', '5', '--json');
    const rebuilder = (async () => {
      await waitUntil(() => workload.acknowledged.length >= 100 || !faulting, { timeoutMs: 30_000, what: 'some claims to rebuild' });
      while (faulting) rebuilds.push(await rebuild());
    })();

    try {
      await terminator;
    } finally {
      faulting = false;
      await workload.stop();
      await checkpointer;
      await rebuilder;
    }
    const last = await rebuild();
    expect({ code: last.code, stderr: last.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const rebuildReport = JSON.parse(last.stdout) as { drift: Array<{ table: string; differing: number; liveRows: number; rebuiltRows: number }> };
    process.stdout.write(
      `fault tests (seed ${SEED}): ${terminations.length} backends terminated (${[...new Set(terminations.map((t) => t.application))].join(', ')}); ` +
        `${workload.acknowledged.length} writes acknowledged after ${workload.retries()} retries; ${checkpoints.length} checkpoints; rebuilds during the faults: ${rebuilds.filter((run) => run.code === 0).length} completed, ${rebuilds.filter((run) => run.code !== 0).length} interrupted\n`,
    );
    expect({ running: service.running(), crashes: crashLines(service.output()) }).toEqual({ running: true, crashes: [] });
    expect(terminations.length).toBeGreaterThanOrEqual(10);
    // Each kind of session was hit: the service's pool, its relay's own connection, the rebuild's (and, when
    // the draw picked them, the webhook dispatcher's and transactions marked as log readers); none unknown.
    const kinds = new Set(terminations.map((termination) => termination.application.replace(/^claim-ledger-log-reader:\d+$/, 'claim-ledger-log-reader')));
    expect([...kinds].filter((kind) => !KNOWN_SESSIONS.includes(kind))).toEqual([]);
    expect(['claim-ledger', 'claim-ledger-feed-relay', 'claim-ledger-cli'].filter((kind) => !kinds.has(kind))).toEqual([]);
    expect(workload.refusals).toEqual([]);
    expect(service.running()).toBe(true);
    // An interrupted rebuild fails on its lost connection, with a message, not silently or with a crash.
    for (const run of rebuilds.filter((attempt) => attempt.code !== 0)) expect(run.stderr).toMatch(/terminat|connection/i);
    // The live projection, written through every fault, equals the log replayed by the same code: no drift.
    expect(rebuildReport.drift.length).toBeGreaterThan(0);
    expect(rebuildReport.drift.filter((table) => table.differing > 0 || table.liveRows !== table.rebuiltRows)).toEqual([]);

    await expectAcknowledgedWritesStoredOnce(db.pool, service.baseUrl, editor, workload.acknowledged);
    await expectFeedsDelivered(db.pool, collector, topics);
    await expectLogIntact(service.baseUrl, auditor);
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const id of checkpoints) {
      const response = await fetch(`${service.baseUrl}/audit/checkpoints/${id}/verify`, { headers: { authorization: auditor } });
      expect({ id, status: response.status, matches: ((await response.json()) as { matches: boolean }).matches }).toEqual({ id, status: 200, matches: true });
    }
    expect(service.running()).toBe(true);
    expect(crashLines(service.output())).toEqual([]);
  });
});
