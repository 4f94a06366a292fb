import { randomUUID } from 'node:crypto';
import { waitUntil } from '@claims/testing';
import { registerSource } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/** The terminus probes: what each checks, and that a probe every second (or every few ms) costs no backlog query per probe. */
describe('health probes', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('fails readiness while a shipped migration is missing, and recovers once it is applied', async () => {
    const { rows } = await api.db.pool.query<{ id: number; name: string; run_on: Date }>('SELECT id, name, run_on FROM app_migrations ORDER BY id DESC LIMIT 1');
    await api.db.pool.query('DELETE FROM app_migrations WHERE id = $1', [rows[0].id]);
    const down = await api.anonymous().get('/health/ready');
    expect({ status: down.status, body: down.body }).toMatchObject({ status: 503, body: { status: 'unavailable', database: { status: 'up' }, migrations: { status: 'down', missing: 1 } } });
    expect((await api.anonymous().get('/health/live')).status).toBe(200);

    await api.db.pool.query('INSERT INTO app_migrations (id, name, run_on) VALUES ($1, $2, $3)', [rows[0].id, rows[0].name, rows[0].run_on]);
    await waitUntil(async () => (await api.anonymous().get('/health/ready')).status === 200, { timeoutMs: 15_000, intervalMs: 200, what: 'readiness after the migration is back' });
    const ready = await api.anonymous().get('/health/ready');
    expect(ready.body).toEqual({ status: 'ready', database: { status: 'up', latencyMs: expect.any(Number) }, migrations: { status: 'up' }, progress: { status: 'up' } });
  });

  it('answers /health from figures at most a second old: a burst of probes reads the backlog about once a second', async () => {
    await registerSource(api, { name: `Wire ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'wire_agency' });
    const queries: string[] = [];
    const query = api.appPool.query.bind(api.appPool) as (...args: unknown[]) => unknown;
    const spy = jest.spyOn(api.appPool, 'query').mockImplementation(((...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
      queries.push(text ?? '');
      return query(...args);
    }) as never);
    try {
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 200 }, () => api.anonymous().get('/health')));
      const seconds = (Date.now() - started) / 1000;
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(answers[0].body).toMatchObject({ status: 'ok', database: { status: 'up' }, log: {}, subscriptions: expect.any(Array), feed: { outbox: { pending: expect.any(Number) } } });
      // One SELECT 1 per probe; the lag, outbox and oldest-transaction queries once per refresh (at most one a
      // second: none at all when the burst ends within a second of the last refresh, which the first probe may reuse).
      expect(queries.filter((text) => text === 'SELECT 1')).toHaveLength(200);
      const backlogReads = queries.filter((text) => text.includes('subscription_checkpoints')).length;
      expect(backlogReads).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      spy.mockRestore();
    }
  });
});
