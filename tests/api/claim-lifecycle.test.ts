import { EDITOR, EDITOR_ACTOR, openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

describe('a claim over HTTP: unverified → corroborated → contested → verdict', () => {
  let api: ApiTestApp;
  let fairA: string;
  let fairB: string;
  let reliableDenier: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    fairA = await registerSource(api, { name: 'Sahel Daily', reliability: 'C' });
    fairB = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    reliableDenier = await registerSource(api, { name: 'UN Panel of Experts', reliability: 'A', kind: 'research_organisation' });
  });
  afterAll(() => api.close());

  it('walks the status as reports arrive, every answer and read reflecting the write', async () => {
    const opened = await api.http().post('/claims').set(EDITOR).set('X-Correlation-Id', 'walk-1').send(openClaimBody(fairA)).expect(201);
    const claimId = opened.body.id as string;
    expect(opened.headers.location).toBe(`/claims/${claimId}`);
    expect(opened.headers.etag).toBe('"1"');
    expect(opened.body).toMatchObject({ status: 'unverified', version: 1, band: 'likely', credibilityRating: 3 });
    expect(opened.body.confidence).toBeCloseTo(2 / 3, 5);
    expect((await api.http().get(`/claims/${claimId}`).expect(200)).body.status).toBe('unverified');

    api.tick();
    const corroborated = await api
      .http()
      .post(`/claims/${claimId}/reports`)
      .set(EDITOR)
      .set('If-Match', '"1"')
      .send({ stance: 'supports', report: report(fairB) })
      .expect(201);
    expect(corroborated.headers.etag).toBe('"2"');
    expect(corroborated.headers.location).toBe(`/claims/${claimId}/reports/${corroborated.body.reportId}`);
    expect(corroborated.body.claim).toMatchObject({ status: 'corroborated', credibilityRating: 1, confidence: 0.75 });
    const read = await api.http().get(`/claims/${claimId}`).expect(200);
    expect(read.body).toMatchObject({ status: 'corroborated', version: 2 });
    expect(read.headers.etag).toBe('"2"');
    expect(read.body.assessment.independentCorroborations).toBe(2);
    expect(read.body.assessment.explanation.length).toBeGreaterThan(0);

    api.tick();
    const contested = await api
      .http()
      .post(`/claims/${claimId}/reports`)
      .set(EDITOR)
      .send({ stance: 'disputes', reason: 'The panel found no executions in Kalamba that week', report: report(reliableDenier) })
      .expect(201);
    expect(contested.body.claim).toMatchObject({ status: 'contested', computedStatus: 'contested', version: 3 });
    expect((await api.http().get(`/claims/${claimId}`).expect(200)).body.status).toBe('contested');

    api.tick();
    const confirmed = await api
      .http()
      .put(`/claims/${claimId}/verdict`)
      .set(EDITOR)
      .set('If-Match', '"3"')
      .send({ verdict: 'confirmed', rationale: 'Video geolocated and cross-checked with two local contacts' })
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', computedStatus: 'contested', verdict: 'confirmed', version: 4 });
    expect((await api.http().get(`/claims/${claimId}`).expect(200)).body.verdictDetails).toMatchObject({
      verdict: 'confirmed',
      recordedBy: EDITOR_ACTOR.id,
    });

    api.tick();
    const withdrawn = await api
      .http()
      .post(`/claims/${claimId}/verdict/withdrawal`)
      .set(EDITOR)
      .send({ reason: 'Geolocation was of a different village' })
      .expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'contested', verdict: null, version: 5 });
  });

  it('retracts a report, attaches evidence, amends the statement and merges, each read back at once', async () => {
    const { body: first } = await api.http().post('/claims').set(EDITOR).send(openClaimBody(fairA)).expect(201);
    const added = await api.http().post(`/claims/${first.id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(fairB) }).expect(201);
    expect(added.body.claim.status).toBe('corroborated');
    const fetchedReport = await api.http().get(`/claims/${first.id}/reports/${added.body.reportId}`).expect(200);
    expect(fetchedReport.body).toMatchObject({ claimId: first.id, sourceId: fairB, stance: 'supports', isAssertion: false });

    const retracted = await api
      .http()
      .post(`/claims/${first.id}/reports/${added.body.reportId}/retraction`)
      .set(EDITOR)
      .send({ reason: 'Radio corrected its bulletin' })
      .expect(200);
    expect(retracted.body.status).toBe('unverified');
    expect(retracted.body.reports[1].retraction).toMatchObject({ reason: 'Radio corrected its bulletin' });

    const evidence = await api
      .http()
      .post(`/claims/${first.id}/evidence`)
      .set(EDITOR)
      .send({ url: 'https://archive.example.org/kalamba.mp4', sha256: 'ab'.repeat(32), mediaType: 'video/mp4' })
      .expect(201);
    expect(evidence.headers.location).toBe(`/claims/${first.id}/evidence/${evidence.body.evidenceId}`);
    expect((await api.http().get(evidence.headers.location).expect(200)).body).toMatchObject({ sha256: 'ab'.repeat(32) });

    const amended = await api
      .http()
      .put(`/claims/${first.id}/statement`)
      .set(EDITOR)
      .send({ statement: 'ISGS fighters executed two alleged JNIM informants near Kalamba', reason: 'Second victim survived' })
      .expect(200);
    expect(amended.body.statement).toContain('two alleged');
    expect(amended.body.statementHistory).toHaveLength(2);

    const { body: duplicate } = await api.http().post('/claims').set(EDITOR).send(openClaimBody(fairB)).expect(201);
    const merged = await api
      .http()
      .post(`/claims/${duplicate.id}/merge`)
      .set(EDITOR)
      .send({ intoClaimId: first.id, reason: 'Same event' })
      .expect(200);
    expect(merged.body.mergedInto).toBe(first.id);
    const afterMerge = await api.http().post(`/claims/${duplicate.id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(fairA) });
    expect(afterMerge.status).toBe(409);
    expect(afterMerge.body).toMatchObject({ code: 'CLAIM_MERGED' });
  });

  it('records who did it, the correlation id and the causation id on every event', async () => {
    api.setNow('2024-03-02T07:30:00.000Z');
    const opened = await api
      .http()
      .post('/claims')
      .set(EDITOR)
      .set('X-Correlation-Id', 'corr-42')
      .set('X-Causation-Id', 'alert-7')
      .send(openClaimBody(fairA))
      .expect(201);
    const [asserted] = await api.store.readStream(`claim-${opened.body.id}`);
    expect(asserted.metadata).toMatchObject({
      actor: EDITOR_ACTOR,
      correlationId: 'corr-42',
      causationId: 'alert-7',
      requestId: opened.headers['x-request-id'],
    });
    expect(asserted.data).toMatchObject({ recordedBy: EDITOR_ACTOR.id, recordedAt: '2024-03-02T07:30:00.000Z' });

    const before = await api.eventCount();
    await api.anonymous().post('/claims').send(openClaimBody(fairA)).expect(401);
    expect(await api.eventCount()).toBe(before);
  });
});
