import { EDITOR, EDITOR_ACTOR, openClaim, openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

describe('re-grading a source over HTTP', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  it("re-assesses every claim the source reported on, in the same request, and keeps the grade history", async () => {
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'C', kind: 'wire_agency' });
    const radio = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    const bystander = await registerSource(api, { name: 'Gao Herald', reliability: 'C' });
    const corroborated = await openClaim(api, openClaimBody(wire));
    await api.http().post(`/claims/${corroborated.id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(radio) }).expect(201);
    const relayedOnly = await openClaim(api, openClaimBody(radio, { report: report(radio, { relaysSourceId: wire }) }));
    const unrelated = await openClaim(api, openClaimBody(bystander));
    const before = await Promise.all([corroborated, relayedOnly, unrelated].map(({ id }) => api.http().get(`/claims/${id}`).expect(200)));
    expect(before.map((response) => response.body.status)).toEqual(['corroborated', 'unverified', 'unverified']);
    expect(before[1].body.confidence).toBeCloseTo(2 / 3, 5);

    api.tick(60);
    const regraded = await api
      .http()
      .put(`/sources/${wire}/reliability`)
      .set(EDITOR)
      .set('If-Match', '"1"')
      .send({ reliability: 'E', reason: 'Ran three fabricated stories this year' })
      .expect(200);
    expect(regraded.headers.etag).toBe('"2"');
    expect(regraded.body).toMatchObject({ reliability: 'E', version: 2 });
    expect(regraded.body.gradeHistory).toEqual([
      { reliability: 'C', gradedBy: EDITOR_ACTOR.id, gradedAt: '2024-03-01T10:00:00.000Z' },
      { reliability: 'E', previousReliability: 'C', reason: 'Ran three fabricated stories this year', gradedBy: EDITOR_ACTOR.id, gradedAt: '2024-03-01T11:00:00.000Z' },
    ]);

    const after = await Promise.all([corroborated, relayedOnly, unrelated].map(({ id }) => api.http().get(`/claims/${id}`).expect(200)));
    // Claims written before the re-grade, untouched by this request, now carry the new grade's weight.
    expect(after[0].body).toMatchObject({ status: 'unverified', version: 2 });
    expect(after[0].body.confidence).toBeLessThan(before[0].body.confidence);
    // A relay is capped by what it relays: re-grading the relayed source moves the relaying claim too.
    expect(after[1].body.confidence).toBeCloseTo((0.1 + 1) / 2.1, 5);
    expect(after[1].body.band).toBe('roughly_even_chance');
    expect(after[1].body.updatedAt).toBe('2024-03-01T11:00:00.000Z');
    expect(after[2].body).toEqual(before[2].body);

    const source = await api.http().get(`/sources/${wire}`).expect(200);
    expect(source.body.claims.map((claim: { claimId: string }) => claim.claimId).sort()).toEqual([corroborated.id, relayedOnly.id].sort());
    expect(source.body.claims.find((claim: { claimId: string }) => claim.claimId === relayedOnly.id).reports).toEqual([
      expect.objectContaining({ stance: 'supports', active: true, role: 'relayed' }),
    ]);
  });

  it('re-assesses when a detail that the assessment reads changes (affiliation makes reports self-interested)', async () => {
    const outlet = await registerSource(api, { name: 'Amaq', reliability: 'C', kind: 'armed_group_media' });
    const claim = await openClaim(api, openClaimBody(outlet));
    const before = (await api.http().get(`/claims/${claim.id}`).expect(200)).body;
    await api.http().patch(`/sources/${outlet}`).set(EDITOR).send({ affiliation: 'Islamic State' }).expect(200);
    const after = (await api.http().get(`/claims/${claim.id}`).expect(200)).body;
    expect(after.confidence).toBeLessThan(before.confidence);
    expect(after.assessment.discounted).toEqual([
      expect.objectContaining({ sourceId: outlet, reasons: [expect.objectContaining({ code: 'self_interested', basis: 'affiliation' })] }),
    ]);
  });
});
