import { EDITOR, openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

describe('Idempotency-Key retries', () => {
  let api: ApiTestApp;
  let source: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    source = await registerSource(api, { name: 'Sahel Wire', reliability: 'C' });
  });
  afterAll(() => api.close());

  it('a retried POST returns the first response and writes nothing new', async () => {
    const first = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'open-kalamba-1').send(openClaimBody(source)).expect(201);
    const events = await api.eventCount();
    const claims = await api.db.pool.query('SELECT claim_id FROM claim_view');

    api.tick(5);
    const retry = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'open-kalamba-1').send(openClaimBody(source)).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await api.eventCount()).toBe(events);
    expect((await api.db.pool.query('SELECT claim_id FROM claim_view')).rows).toEqual(claims.rows);
  });

  it('a retried report after the stored answer was lost is recognised by its derived id and writes nothing', async () => {
    const { body: claim } = await api.http().post('/claims').set(EDITOR).send(openClaimBody(source)).expect(201);
    const radio = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    const send = () =>
      api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('Idempotency-Key', 'radio-report').send({ stance: 'supports', report: report(radio) });
    const first = await send().expect(201);
    // Simulate a crash after commit that lost the stored response: the command runs again.
    await api.db.pool.query('DELETE FROM idempotency_keys');
    const events = await api.eventCount();
    const again = await send().expect(201);
    expect(again.body.reportId).toBe(first.body.reportId);
    expect(again.body.claim.version).toBe(first.body.claim.version);
    expect(await api.eventCount()).toBe(events);
  });
});
