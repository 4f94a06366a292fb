import type { PoolClient } from 'pg';
import { sourceLockKey } from '@claims/projections';
import { waitUntil } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

const QUOTE = 'Ibrahim saw the trucks turn towards Anderamboukane';

/**
 * Whether a report's url and quote are sealed is decided under the source's lock, with the catalogue the
 * claim write reads: a source marked confidential while a report of it is on its way gets that report
 * sealed, never written in clear after the marking.
 */
describe('a report racing the marking of its source', () => {
  let api: ApiTestApp;
  afterAll(() => api.close());

  it('seals the quote of a report that waited for the marking to commit', async () => {
    api = await startApiTestApp();
    const sourceId = await registerSource(api, { name: 'Ibrahim, fixer', kind: 'local_contact', reliability: 'B' });
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'B' });
    const claimId = (await api.http().post('/claims').send(openClaimBody(wire)).expect(201)).body.id;

    // The source's lock, held as its writer holds it, so both requests stop at it in a known order.
    const side: PoolClient = await api.db.pool.connect();
    await side.query('BEGIN');
    await side.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sourceLockKey(sourceId)]);
    const advisoryWaiters = async () =>
      Number((await api.db.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND locktype = 'advisory'")).rows[0].n);
    const marking = api.as('editor').patch(`/sources/${sourceId}`).send({ confidential: true }).then((response) => response);
    await waitUntil(async () => (await advisoryWaiters()) >= 1, { what: 'the marking waiting on the source lock' });
    const reporting = api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(sourceId, { quote: QUOTE }) }).then((response) => response);
    await waitUntil(async () => (await advisoryWaiters()) >= 2, { what: 'the report waiting behind the marking' });
    await side.query('COMMIT');
    side.release();
    expect((await marking).status).toBe(200);
    const added = await reporting;
    expect(added.status).toBe(201);

    const clear = await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE data::text ILIKE $1', ['%Anderamboukane%']);
    expect(Number(clear.rows[0].n)).toBe(0);
    expect((await api.as('editor').get(`/claims/${claimId}/reports/${added.body.reportId}`).expect(200)).body.quote).toBe(QUOTE);
  });
});
