import { readClaimEvent, readSourceEvent } from '@claims/contracts';
import { claimDecider, foldEvents, sourceDecider, sourceCatalogueOf, toSourceSnapshot, type OnRecordClaim } from '@claims/domain';
import { claimViewOf, sourceIdsOf, sourceStreamId, claimStreamId } from '@claims/projections';
import { waitUntil } from '@claims/testing';
import { EDITOR, openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/**
 * The rows written inline must be exactly what a rebuild computes from the log with the same pure code,
 * however the writes interleave.
 */
describe('inline claim projection under concurrent writes', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp({ poolSize: 30 });
  });
  afterAll(() => api.close());

  /** Recomputes a claim's view from its stream and its sources' streams, as a rebuild would. */
  const rebuilt = async (claimId: string) => {
    const events = await api.store.readStream(claimStreamId(claimId));
    const claim = foldEvents(claimDecider, events.map(readClaimEvent)) as OnRecordClaim;
    const snapshots = await Promise.all(
      sourceIdsOf(claim).map(async (sourceId) => {
        const source = foldEvents(sourceDecider, (await api.store.readStream(sourceStreamId(sourceId))).map(readSourceEvent));
        if (source.status !== 'registered') throw new Error(`source ${sourceId} missing`);
        return toSourceSnapshot(source);
      }),
    );
    const view = claimViewOf(claim, sourceCatalogueOf(snapshots), { version: events.length, position: 0, updatedAt: '' });
    return { version: view.version, assessment: view.assessment };
  };

  const stored = async (claimId: string) => {
    const { rows } = await api.db.pool.query('SELECT version, assessment FROM claim_view WHERE claim_id = $1', [claimId]);
    return { version: rows[0].version as number, assessment: rows[0].assessment as unknown };
  };

  it('concurrent reports without If-Match all land, in one consistent row', async () => {
    const origin = await registerSource(api, { name: 'Origin', reliability: 'C' });
    const reporters = await Promise.all(Array.from({ length: 8 }, (_, index) => registerSource(api, { name: `Reporter ${index}`, reliability: 'D' })));
    const claim = await openClaim(api, openClaimBody(origin));
    const responses = await Promise.all(
      reporters.map((sourceId) => api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(sourceId) })),
    );
    expect(responses.map((response) => response.status)).toEqual(reporters.map(() => 201));
    expect(await stored(claim.id)).toEqual(await rebuilt(claim.id));
    expect((await stored(claim.id)).version).toBe(1 + reporters.length);
  });

  it('concurrent writes with the same If-Match: exactly one wins, the others get 412', async () => {
    const origin = await registerSource(api, { name: 'Origin', reliability: 'C' });
    const reporters = await Promise.all(Array.from({ length: 6 }, (_, index) => registerSource(api, { name: `Rival ${index}`, reliability: 'C' })));
    const claim = await openClaim(api, openClaimBody(origin));
    const responses = await Promise.all(
      reporters.map((sourceId) =>
        api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('If-Match', '"1"').send({ stance: 'supports', report: report(sourceId) }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 412, 412, 412, 412, 412]);
    expect(await stored(claim.id)).toEqual(await rebuilt(claim.id));
  });

  it('a report written while a re-grade is in flight is assessed with the new grade', async () => {
    const regraded = await registerSource(api, { name: 'Regraded outlet', reliability: 'C' });
    const origin = await registerSource(api, { name: 'Origin', reliability: 'B' });
    const earlier = await openClaim(api, openClaimBody(regraded));
    const target = await openClaim(api, openClaimBody(origin));
    const lockWaiters = async () =>
      Number(
        (
          await api.db.pool.query<{ waiting: string }>(
            "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          )
        ).rows[0].waiting,
      );
    // Hold the re-grade in flight: it blocks re-assessing the earlier claim, after reading which claims to re-assess.
    const blocker = await api.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM claim_view WHERE claim_id = $1 FOR UPDATE', [earlier.id]);
      const regrade = api.http().put(`/sources/${regraded}/reliability`).set(EDITOR).send({ reliability: 'A', reason: 'review' }).then((response) => response);
      await waitUntil(async () => (await lockWaiters()) >= 1);
      let reported = false;
      const add = api
        .http()
        .post(`/claims/${target.id}/reports`)
        .set(EDITOR)
        .send({ stance: 'supports', report: report(regraded) })
        .then((response) => {
          reported = true;
          return response;
        });
      await waitUntil(async () => reported || (await lockWaiters()) >= 2);
      await blocker.query('COMMIT');
      expect((await regrade).status).toBe(200);
      expect((await add).status).toBe(201);
    } finally {
      blocker.release();
    }
    expect(await stored(target.id)).toEqual(await rebuilt(target.id));
    expect(await stored(earlier.id)).toEqual(await rebuilt(earlier.id));
  });

  it('re-grades racing with reports from the re-graded source never leave a claim assessed against a stale grade', async () => {
    const contested = await registerSource(api, { name: 'Contested outlet', reliability: 'C' });
    const origins = await Promise.all(Array.from({ length: 6 }, (_, index) => registerSource(api, { name: `Local ${index}`, reliability: 'B' })));
    const claims = await Promise.all(origins.map((origin) => openClaim(api, openClaimBody(origin))));
    const grades = ['A', 'E', 'B', 'D', 'C', 'F'];
    await Promise.all([
      ...claims.map(({ id }) =>
        api.http().post(`/claims/${id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(contested) }).expect(201),
      ),
      (async () => {
        for (const reliability of grades) {
          await api.http().put(`/sources/${contested}/reliability`).set(EDITOR).send({ reliability, reason: 'review' }).expect(200);
        }
      })(),
    ]);
    for (const { id } of claims) expect(await stored(id)).toEqual(await rebuilt(id));
    const source = await api.http().get(`/sources/${contested}`).expect(200);
    expect(source.body.claims).toHaveLength(claims.length);
  });
});
