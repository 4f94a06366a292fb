import { ClaimPointInTimeResponse, ClaimResponse } from '@claims/contracts';
import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2, CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { seedModelFixture, type ModelFixture } from '../projections/model-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

/** `GET /claims/:claimId?model=v1`: the claim judged by another assessment model, recomputed from the log on demand. */
describe('GET /claims/:claimId?model=', () => {
  let api: ApiTestApp;
  let fixture: ModelFixture;

  beforeAll(async () => {
    api = await startApiTestApp();
    fixture = await seedModelFixture(api);
  });
  afterAll(() => api.close());

  it('live rows are assessed with the current model, and say so', async () => {
    const live = ClaimResponse.parse((await api.as('reader').get(`/claims/${fixture.deadZone}`).expect(200)).body);
    expect(CURRENT_ASSESSMENT_MODEL).toBe(ASSESSMENT_MODEL_V2);
    expect([live.modelVersion, live.assessment.modelVersion]).toEqual([ASSESSMENT_MODEL_V2.modelVersion, ASSESSMENT_MODEL_V2.modelVersion]);
  });

  it('answers with the older model on demand, naming it in the body and the header, without touching the live row', async () => {
    const liveBefore = (await api.as('reader').get(`/claims/${fixture.deadZone}`).expect(200)).body as ClaimResponse;
    const response = await api.as('reader').get(`/claims/${fixture.deadZone}?model=v1`).expect(200);
    const v1 = ClaimPointInTimeResponse.parse(response.body);
    expect(response.headers['x-assessment-model']).toBe(ASSESSMENT_MODEL_V1.modelVersion);
    expect(v1).toMatchObject({
      modelVersion: ASSESSMENT_MODEL_V1.modelVersion,
      status: 'unverified',
      version: liveBefore.version,
      pointInTime: { recomputed: true, modelVersion: ASSESSMENT_MODEL_V1.modelVersion, eventType: 'ClaimDisputed' },
    });
    expect(v1.assessment.modelVersion).toBe(ASSESSMENT_MODEL_V1.modelVersion);
    expect(liveBefore.status).toBe('contested');
    expect((await api.as('reader').get(`/claims/${fixture.deadZone}`).expect(200)).body).toEqual(liveBefore);
  });

  it('with ?model=v2 recomputes what the live row holds', async () => {
    const live = (await api.as('reader').get(`/claims/${fixture.deadZone}`).expect(200)).body as ClaimResponse;
    const { pointInTime, ...recomputed } = (await api.as('reader').get(`/claims/${fixture.deadZone}?model=v2`).expect(200)).body as ClaimPointInTimeResponse;
    expect(pointInTime.modelVersion).toBe(ASSESSMENT_MODEL_V2.modelVersion);
    expect(recomputed).toEqual(live);
  });

  it('combines with time travel: ?atVersion=n&model=v1 is version n judged by v1', async () => {
    // Two B outlets: corroborated under both models; the credible dispute then sends v1 to unverified, v2 to contested.
    const before = ClaimPointInTimeResponse.parse((await api.as('reader').get(`/claims/${fixture.deadZone}?atVersion=2&model=v1`).expect(200)).body);
    expect(before).toMatchObject({ version: 2, status: 'corroborated', pointInTime: { atVersion: 2, modelVersion: ASSESSMENT_MODEL_V1.modelVersion, eventType: 'ClaimCorroborated' } });
    const now = ClaimPointInTimeResponse.parse((await api.as('reader').get(`/claims/${fixture.deadZone}?atVersion=3&model=v1`).expect(200)).body);
    expect(now).toMatchObject({ version: 3, status: 'unverified', pointInTime: { atVersion: 3, modelVersion: ASSESSMENT_MODEL_V1.modelVersion, eventType: 'ClaimDisputed' } });
    const nowV2 = ClaimPointInTimeResponse.parse((await api.as('reader').get(`/claims/${fixture.deadZone}?atVersion=3&model=v2`).expect(200)).body);
    expect(nowV2).toMatchObject({ version: 3, status: 'contested', pointInTime: { atVersion: 3, modelVersion: ASSESSMENT_MODEL_V2.modelVersion } });
    const asOf = ClaimPointInTimeResponse.parse((await api.as('reader').get(`/claims/${fixture.deadZone}?asOf=2030-01-01T00:00:00Z&model=v1`).expect(200)).body);
    expect(asOf).toMatchObject({ version: 3, status: 'unverified', pointInTime: { asOf: '2030-01-01T00:00:00.000Z', modelVersion: ASSESSMENT_MODEL_V1.modelVersion } });
  });

  it('refuses an unknown model with a 400 problem naming query.model, and an unknown claim with a 404', async () => {
    const refused = await api.as('reader').get(`/claims/${fixture.deadZone}?model=v9`).expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'query.model', errors: [expect.objectContaining({ field: 'query.model' })] });
    const repeated = await api.as('reader').get(`/claims/${fixture.deadZone}?model=v1&model=v2`).expect(400);
    expect(repeated.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.model' });
    const missing = await api.as('reader').get('/claims/3f1f0f3a-0000-4000-8000-000000000000?model=v1').expect(404);
    expect(missing.body).toMatchObject({ code: 'CLAIM_NOT_FOUND' });
  });

  it('documents ?model in the OpenAPI document, with the model names', async () => {
    const document = (await api.anonymous().get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema?: { enum?: string[] } }> }>>;
    };
    const parameters = document.paths['/claims/{claimId}'].get.parameters ?? [];
    expect(parameters.find((parameter) => parameter.name === 'model' && parameter.in === 'query')?.schema?.enum).toEqual(['v1', 'v2']);
  });
});
