import { randomUUID } from 'node:crypto';
import { EDITOR, openClaim, openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

describe('rejected requests answer problem+json and persist nothing', () => {
  let api: ApiTestApp;
  let source: string;
  let claim: { id: string; version: number };

  beforeAll(async () => {
    api = await startApiTestApp();
    source = await registerSource(api, { name: 'Sahel Wire', reliability: 'C' });
    claim = await openClaim(api, openClaimBody(source));
  });
  afterAll(() => api.close());

  /** Runs the request and checks that neither the log nor the claim's row moved. */
  const rejected = async (send: () => Promise<import('supertest').Response>, status: number) => {
    const events = await api.eventCount();
    const row = await api.db.pool.query('SELECT * FROM claim_view ORDER BY claim_id');
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), code: expect.any(String) });
    expect(await api.eventCount()).toBe(events);
    expect((await api.db.pool.query('SELECT * FROM claim_view ORDER BY claim_id')).rows).toEqual(row.rows);
    return response.body as Record<string, unknown>;
  };

  it('400 names every invalid field of the body', async () => {
    const body = await rejected(
      () =>
        api
          .http()
          .post('/claims')
          .set(EDITOR)
          .send({ ...openClaimBody(source), category: 'rumour', report: { ...report(source), publishedAt: 'yesterday' } }),
      400,
    );
    expect(body.code).toBe('VALIDATION_FAILED');
    expect((body.errors as Array<{ field: string }>).map((error) => error.field).sort()).toEqual(['category', 'report.publishedAt']);
  });

  it('400 for a malformed id in the path or an unreadable list cursor', async () => {
    expect(await rejected(() => api.http().get('/claims/not-a-uuid'), 400)).toMatchObject({ field: 'path.claimId' });
    expect(await rejected(() => api.http().get('/claims?cursor=bogus'), 400)).toMatchObject({ field: 'query.cursor' });
    expect(await rejected(() => api.http().get('/claims?limit=1000'), 400)).toMatchObject({ field: 'query.limit' });
  });

  it('404 for unknown claims and sources, on reads and on commands', async () => {
    const unknown = randomUUID();
    expect(await rejected(() => api.http().get(`/claims/${unknown}`), 404)).toMatchObject({ code: 'CLAIM_NOT_FOUND' });
    expect(await rejected(() => api.http().get(`/sources/${unknown}`), 404)).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect(
      await rejected(() => api.http().post(`/claims/${unknown}/reports`).set(EDITOR).send({ stance: 'supports', report: report(source) }), 404),
    ).toMatchObject({ code: 'CLAIM_NOT_FOUND' });
    expect(
      await rejected(() => api.http().put(`/sources/${unknown}/reliability`).set(EDITOR).send({ reliability: 'A', reason: 'trusted' }), 404),
    ).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect(
      await rejected(() => api.http().post(`/claims/${claim.id}/reports/${randomUUID()}/retraction`).set(EDITOR).send({ reason: 'x' }), 404),
    ).toMatchObject({ code: 'REPORT_NOT_FOUND' });
  });

  it('409 when the domain refuses a conflicting change, naming the field', async () => {
    const body = await rejected(
      () =>
        api
          .http()
          .post(`/claims/${claim.id}/reports`)
          .set(EDITOR)
          .send({ stance: 'disputes', reason: 'changed its mind', report: report(source) }),
      409,
    );
    expect(body).toMatchObject({ code: 'SOURCE_ALREADY_REPORTED', field: 'report.sourceId' });
    expect(
      await rejected(() => api.http().post(`/claims/${claim.id}/verdict/withdrawal`).set(EDITOR).send({ reason: 'none' }), 409),
    ).toMatchObject({ code: 'NO_ACTIVE_VERDICT' });
  });

  it('412 for a stale If-Match, with the current version as ETag', async () => {
    const other = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    await api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('If-Match', `"${claim.version}"`).send({ stance: 'supports', report: report(other) }).expect(201);
    const third = await registerSource(api, { name: 'Gao Herald', reliability: 'B' });
    let stale: import('supertest').Response | undefined;
    const body = await rejected(async () => {
      stale = await api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('If-Match', `"${claim.version}"`).send({ stance: 'supports', report: report(third) });
      return stale;
    }, 412);
    expect(body).toMatchObject({ code: 'STALE_VERSION', field: 'header.if-match', currentVersion: 2 });
    expect(stale?.headers.etag).toBe('"2"');
    expect(await rejected(() => api.http().put(`/sources/${third}/reliability`).set(EDITOR).set('If-Match', '"7"').send({ reliability: 'A', reason: 'x' }), 412)).toMatchObject({
      currentVersion: 1,
    });
  });

  it('422 when a rule about the content fails, naming the field', async () => {
    const unregistered = randomUUID();
    expect(await rejected(() => api.http().post('/claims').set(EDITOR).send(openClaimBody(unregistered)), 422)).toMatchObject({
      code: 'SOURCE_NOT_REGISTERED',
      field: 'report.sourceId',
    });
    expect(
      await rejected(
        () => api.http().post('/claims').set(EDITOR).send({ ...openClaimBody(source), category: 'casualty_figure' }),
        422,
      ),
    ).toMatchObject({ code: 'QUANTITY_REQUIRED', field: 'quantity' });
    expect(
      await rejected(
        () => api.http().post('/claims').set(EDITOR).send(openClaimBody(source, { report: report(source, { publishedAt: '2030-01-01T00:00:00Z' }) })),
        422,
      ),
    ).toMatchObject({ code: 'REPORT_PUBLISHED_IN_FUTURE', field: 'report.publishedAt' });
  });
});
