import { waitUntil } from '@claims/testing';
import { EDITOR, openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/** Backends of the app's pool waiting on a lock inside a transaction (the blocker holds it). */
const lockWaiters = async (api: ApiTestApp): Promise<number[]> => {
  const { rows } = await api.db.pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
  );
  return rows.map((row) => row.pid);
};

describe('a request whose database connection is lost', () => {
  let api: ApiTestApp;
  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, writes nothing, and the retry with its Idempotency-Key succeeds once', async () => {
    const sourceId = await registerSource(api, { name: 'Sahel Watch', reliability: 'B' });
    const claim = await openClaim(api, openClaimBody(sourceId));
    const other = await registerSource(api, { name: 'Menaka Monitor', reliability: 'C' });
    const eventsBefore = await api.eventCount();

    const blocker = await api.db.pool.connect();
    let cut: { status: number; body: Record<string, unknown>; headers: Record<string, string> };
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM claim_view WHERE claim_id = $1 FOR UPDATE', [claim.id]);
      const pending = api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('Idempotency-Key', 'cut-off-report').send({ stance: 'supports', report: report(other) });
      const response = pending.then((answer) => answer);
      const [waiting] = await waitUntil(async () => {
        const pids = await lockWaiters(api);
        return pids.length > 0 ? pids : undefined;
      });
      await api.db.pool.query('SELECT pg_terminate_backend($1)', [waiting]);
      cut = await response;
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }

    expect(cut.status).toBe(503);
    expect(cut.headers['content-type']).toContain('application/problem+json');
    expect(cut.headers['retry-after']).toBe('1');
    expect(cut.body).toEqual(expect.objectContaining({ status: 503, code: 'DATABASE_UNAVAILABLE' }));
    expect(JSON.stringify(cut.body)).not.toMatch(/terminat|administrator|SQL/i);
    expect(await api.eventCount()).toBe(eventsBefore);

    const retry = await api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('Idempotency-Key', 'cut-off-report').send({ stance: 'supports', report: report(other) });
    expect(retry.status).toBe(201);
    const again = await api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('Idempotency-Key', 'cut-off-report').send({ stance: 'supports', report: report(other) });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(retry.body);
    expect(await api.eventCount()).toBe(eventsBefore + 1);
  });
});
