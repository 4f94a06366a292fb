import { randomUUID } from 'node:crypto';
import { EDITOR_ACTOR, openClaimBody, registerSource } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

const FORGED = { 'X-Actor-Id': 'editor-in-chief', 'X-Actor-Name': 'The Editor in Chief' };

describe('actor attribution: events name the authenticated key, whatever the client claims', () => {
  let api: ApiTestApp;
  let sourceId: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    sourceId = await registerSource(api, { name: 'Sahel Daily', reliability: 'C' });
  });
  afterAll(() => api.close());

  const eventsOf = async (streamId: string) => api.store.readStream(streamId);

  it('records the key on a claim opened with forged actor headers', async () => {
    const opened = await api.as('analyst').post('/claims').set(FORGED).send(openClaimBody(sourceId)).expect(201);
    const [asserted] = await eventsOf(`claim-${opened.body.id}`);
    expect(asserted.metadata.actor).toEqual({ id: api.keys.analyst.id, name: 'Jules (analyst)', role: 'analyst' });
    expect(asserted.data).toMatchObject({ recordedBy: api.keys.analyst.id });
    expect(JSON.stringify(asserted)).not.toContain('editor-in-chief');
    expect(JSON.stringify(asserted)).not.toContain('The Editor in Chief');
  });

  it('records the editor key on a verdict and a re-grade sent with forged headers', async () => {
    const { body: claim } = await api.as('analyst').post('/claims').send(openClaimBody(sourceId)).expect(201);
    await api.http().put(`/claims/${claim.id}/verdict`).set(FORGED).send({ verdict: 'confirmed', rationale: 'Geolocated' }).expect(200);
    await api.http().put(`/sources/${sourceId}/reliability`).set(FORGED).send({ reliability: 'B', reason: 'Solid record' }).expect(200);
    const verdict = (await eventsOf(`claim-${claim.id}`)).find((event) => event.type === 'ClaimVerdictIssued')!;
    const regrade = (await eventsOf(`source-${sourceId}`)).find((event) => event.type === 'SourceReliabilityRegraded')!;
    for (const event of [verdict, regrade]) {
      expect(event.metadata.actor).toEqual(EDITOR_ACTOR);
      expect(event.data).toMatchObject({ recordedBy: EDITOR_ACTOR.id });
    }
  });

  it('ignores actor headers altogether: no key is 401 and writes nothing', async () => {
    const before = await api.eventCount();
    const response = await api.anonymous().post('/claims').set(FORGED).send(openClaimBody(sourceId));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="claim-ledger"/);
    expect(response.body).toMatchObject({ code: 'AUTHENTICATION_REQUIRED', status: 401 });
    expect(await api.eventCount()).toBe(before);
  });

  it('scopes Idempotency-Key to the key: another key reusing it gets its own result, not a replay', async () => {
    const key = `shared-${randomUUID()}`;
    const first = await api.as('analyst').post('/claims').set('Idempotency-Key', key).send(openClaimBody(sourceId)).expect(201);
    const second = await api.as('editor').post('/claims').set('Idempotency-Key', key).send(openClaimBody(sourceId)).expect(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
    expect((await eventsOf(`claim-${second.body.id}`))[0].metadata.actor).toEqual(EDITOR_ACTOR);
  });

  it('records the admin key on key management events', async () => {
    const created = await api.as('admin').post('/admin/api-keys').set(FORGED).send({ name: 'Night desk', role: 'analyst' }).expect(201);
    await api.as('admin').post(`/admin/api-keys/${created.body.id}/revocation`).set(FORGED).send({ reason: 'desk closed' }).expect(200);
    const events = await eventsOf(`api-key-${created.body.id}`);
    expect(events.map((event) => event.type)).toEqual(['ApiKeyIssued', 'ApiKeyRevoked']);
    for (const event of events) {
      expect(event.metadata.actor).toEqual({ id: api.keys.admin.id, name: 'key admin', role: 'admin' });
      expect(event.data).toMatchObject({ recordedBy: api.keys.admin.id });
    }
  });
});
