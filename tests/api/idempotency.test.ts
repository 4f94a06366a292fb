import { IDEMPOTENCY_LEASE_SECONDS } from '../../apps/api/src/http/idempotency.interceptor';
import { EDITOR, EDITOR_ACTOR, openClaimBody, registerSource, report } from './api-fixtures';
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

  const claimCount = async () => Number((await api.db.pool.query<{ count: string }>('SELECT count(*) FROM claim_view')).rows[0].count);
  const keyRow = async (key: string) =>
    (await api.db.pool.query<{ status: number; request_hash: string }>('SELECT status, request_hash FROM idempotency_keys WHERE actor_id = $1 AND key = $2', [EDITOR_ACTOR.id, key])).rows[0];

  /** Leaves the key as a request cut off by a crash leaves it: claimed, no response, claimed `ageSeconds` ago. */
  const leaveInProgress = async (key: string, requestHash: string, ageSeconds: number) => {
    await api.db.pool.query(
      `INSERT INTO idempotency_keys (key, actor_id, method, path, request_hash, status, created_at)
       VALUES ($1, $2, 'POST', '/claims', $3, 0, now() - make_interval(secs => $4))
       ON CONFLICT (actor_id, key) DO UPDATE SET status = 0, headers = '{}', body = NULL, created_at = EXCLUDED.created_at`,
      [key, EDITOR_ACTOR.id, requestHash, ageSeconds],
    );
  };

  it('a key left in progress by a request cut off before its command ran is taken over by a retry, which writes once', async () => {
    const body = openClaimBody(source, { statement: 'JNIM fighters burned the market in Ménaka' });
    await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'market-first').send(body).expect(201);
    // The same request under another key has the same request hash: the row a crash would have left.
    const { request_hash: requestHash } = await keyRow('market-first');
    await leaveInProgress('market-crashed', requestHash, IDEMPOTENCY_LEASE_SECONDS + 1);
    const claims = await claimCount();

    const retry = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'market-crashed').send(body);
    expect(retry.status).toBe(201);
    expect(await claimCount()).toBe(claims + 1);
    expect((await keyRow('market-crashed')).status).toBe(201);

    const again = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'market-crashed').send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(retry.body);
    expect(await claimCount()).toBe(claims + 1);
  });

  it('a key left in progress by a request cut off after its command committed is taken over, and the retry writes nothing new', async () => {
    const body = openClaimBody(source, { statement: 'ISGS fighters looted the clinic in Inates' });
    const first = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'clinic').send(body).expect(201);
    const { request_hash: requestHash } = await keyRow('clinic');
    // The command committed, the process died before the response was stored.
    await leaveInProgress('clinic', requestHash, IDEMPOTENCY_LEASE_SECONDS + 1);
    const events = await api.eventCount();
    const claims = await claimCount();

    api.tick(1);
    const retry = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'clinic').send(body);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.version).toBe(first.body.version);
    expect(await api.eventCount()).toBe(events);
    expect(await claimCount()).toBe(claims);
    expect((await keyRow('clinic')).status).toBe(201);
  });

  it('while a live request holds the key, a retry gets 409 IDEMPOTENCY_KEY_IN_PROGRESS and writes nothing', async () => {
    const body = openClaimBody(source, { statement: 'A convoy was ambushed near Tessit' });
    await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'convoy-first').send(body).expect(201);
    await leaveInProgress('convoy-running', (await keyRow('convoy-first')).request_hash, 0);
    const events = await api.eventCount();

    const retry = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'convoy-running').send(body);
    expect({ status: retry.status, code: retry.body.code, retryAfter: retry.headers['retry-after'] }).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_IN_PROGRESS', retryAfter: '1' });
    expect(await api.eventCount()).toBe(events);
  });

  it('concurrent identical requests with one key write one claim; the others get the stored answer or 409', async () => {
    const body = openClaimBody(source, { statement: 'Drone strike on a wedding near Tin Zaouatene' });
    const claims = await claimCount();
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'wedding').send(body)));
    const created = responses.filter((response) => response.status === 201);
    expect(responses.filter((response) => response.status !== 201 && !(response.status === 409 && response.body.code === 'IDEMPOTENCY_KEY_IN_PROGRESS'))).toEqual([]);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    expect(await claimCount()).toBe(claims + 1);
  });
});
