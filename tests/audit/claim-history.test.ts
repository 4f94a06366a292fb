import { ClaimHistoryResponse, ClaimPointInTimeResponse } from '@claims/contracts';
import { CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { EDITOR_ACTOR, openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/**
 * An auditor's questions: who logged each report and when, why did the status move, and what did we know
 * at a given moment. History and time travel replay the log through the live projection's pure code.
 */
describe('claim history and time travel', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  const scenario = async () => {
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'B' });
    const radio = await registerSource(api, { name: 'Ménaka Radio', reliability: 'B' });
    const denier = await registerSource(api, { name: 'Government spokesman', reliability: 'A' });
    const bystander = await registerSource(api, { name: 'Unrelated outlet', reliability: 'C' });
    const responses: Array<{ version: number; body: Record<string, unknown> }> = [];
    const claim = await openClaim(api, openClaimBody(wire));
    responses.push({ version: 1, body: (await api.http().get(`/claims/${claim.id}`).expect(200)).body });
    api.tick(10);
    const corroborated = await api
      .http()
      .post(`/claims/${claim.id}/reports`)
      .set('X-Correlation-Id', 'case-4711')
      .set('X-Causation-Id', 'tip-99')
      .send({ stance: 'supports', report: report(radio) })
      .expect(201);
    responses.push({ version: 2, body: corroborated.body.claim });
    api.tick(10);
    const disputed = await api
      .http()
      .post(`/claims/${claim.id}/reports`)
      .send({ stance: 'disputes', reason: 'The spokesman denies any executions', report: report(denier) })
      .expect(201);
    responses.push({ version: 3, body: disputed.body.claim });
    api.tick(10);
    // A re-grade of a source on the claim re-assesses it; one of an unrelated source does not show.
    await api.http().put(`/sources/${denier}/reliability`).send({ reliability: 'E', reason: 'Proven wrong twice' }).expect(200);
    await api.http().put(`/sources/${bystander}/reliability`).send({ reliability: 'D', reason: 'Unrelated' }).expect(200);
    return { claimId: claim.id, denier, responses };
  };

  it('lists every event and the source re-grade that affected the claim, with who, when, ids and the assessment after each', async () => {
    const { claimId, denier, responses } = await scenario();
    const history = await api.as('auditor').get(`/claims/${claimId}/history`).expect(200);
    const body = ClaimHistoryResponse.parse(history.body);
    expect(body.entries.map((entry) => [entry.kind, entry.eventType, entry.claimVersion])).toEqual([
      ['claim_event', 'ClaimAsserted', 1],
      ['claim_event', 'ClaimCorroborated', 2],
      ['claim_event', 'ClaimDisputed', 3],
      ['source_event', 'SourceReliabilityRegraded', 3],
    ]);
    expect(body.modelVersion).toBe(CURRENT_ASSESSMENT_MODEL.modelVersion);
    const [asserted, corroborated, disputed, regraded] = body.entries;
    expect(corroborated).toMatchObject({ actor: EDITOR_ACTOR, correlationId: 'case-4711', causationId: 'tip-99' });
    expect(regraded.streamId).toBe(`source-${denier}`);
    // After each claim event the replayed assessment is what the live projection answered then.
    for (const [index, entry] of [asserted, corroborated, disputed].entries()) {
      expect(entry.assessment).toMatchObject({ status: responses[index].body.status, confidence: responses[index].body.confidence, band: responses[index].body.band });
      expect(entry.explanation).toEqual((responses[index].body.assessment as { explanation: string[] }).explanation);
    }
    // What changed, and from what.
    expect(asserted.previous).toBeNull();
    for (let index = 1; index < body.entries.length; index++) {
      const before = body.entries[index - 1].assessment;
      const after = body.entries[index].assessment;
      expect(body.entries[index].previous).toEqual(before);
      const moved = { publishedStatus: before.status !== after.status, computedStatus: before.computedStatus !== after.computedStatus, credibilityRating: before.credibilityRating !== after.credibilityRating, band: before.band !== after.band, confidence: before.confidence !== after.confidence };
      expect(body.entries[index].changed.sort()).toEqual(Object.entries(moved).filter(([, yes]) => yes).map(([field]) => field).sort());
    }
    expect(disputed.changed).toContain('confidence');
    expect(regraded.changed).toContain('confidence');
    // The current row is the last step.
    const live = (await api.http().get(`/claims/${claimId}`).expect(200)).body;
    expect(regraded.assessment).toMatchObject({ status: live.status, confidence: live.confidence });
  });

  it('answers ?atVersion and ?asOf with the claim as it stood then, naming the model used', async () => {
    const { claimId, responses } = await scenario();
    for (const { version, body } of responses) {
      const then = await api.http().get(`/claims/${claimId}?atVersion=${version}`).expect(200);
      const parsed = ClaimPointInTimeResponse.parse(then.body);
      expect(then.headers['x-assessment-model']).toBe(CURRENT_ASSESSMENT_MODEL.modelVersion);
      expect(parsed.pointInTime).toMatchObject({ atVersion: version, recomputed: true, modelVersion: CURRENT_ASSESSMENT_MODEL.modelVersion });
      const { pointInTime: _pointInTime, ...claim } = then.body;
      expect(claim).toEqual(body);
    }

    const history = (await api.as('auditor').get(`/claims/${claimId}/history`).expect(200)).body as ClaimHistoryResponse;
    const second = history.entries[1];
    const asOf = await api.http().get(`/claims/${claimId}?asOf=${encodeURIComponent(second.recordedAt)}`).expect(200);
    expect(asOf.body).toMatchObject({ version: 2, confidence: second.assessment.confidence, pointInTime: { asOf: second.recordedAt, position: second.position } });
    const now = await api.http().get(`/claims/${claimId}?asOf=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`).expect(200);
    const { pointInTime: _now, ...current } = now.body;
    expect(current).toEqual((await api.http().get(`/claims/${claimId}`).expect(200)).body);

    await api.http().get(`/claims/${claimId}?asOf=2000-01-01T00:00:00Z`).expect(404);
    const missing = await api.http().get(`/claims/${claimId}?atVersion=9`).expect(404);
    expect(missing.body.code).toBe('CLAIM_VERSION_NOT_FOUND');
    const both = await api.http().get(`/claims/${claimId}?atVersion=1&asOf=2024-01-01T00:00:00Z`).expect(400);
    expect(both.body.field).toBe('query.atVersion');
  });

  it('history is an auditor right', async () => {
    const { claimId } = await scenario();
    await api.as('reader').get(`/claims/${claimId}/history`).expect(403);
    await api.as('auditor').get('/claims/00000000-0000-4000-8000-000000000000/history').expect(404);
  });
});
