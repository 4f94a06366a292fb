import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2, CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { rebuildProjections, RebuildInterrupted } from '@claims/projections';
import { openClaim, openClaimBody, registerSource } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { runCli } from '../support/cli';

/** A rebuild assesses with one model, the current one unless told otherwise, and never mixes two in a table. */
describe('projection rebuild and assessment models', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp();
    const source = await registerSource(api, { name: 'Sahel Wire', reliability: 'B' });
    for (let index = 0; index < 12; index++) await openClaim(api, openClaimBody(source, { statement: `Claim ${index}` }));
  });
  afterAll(() => api.close());

  const models = async () =>
    (await api.db.pool.query<{ model_version: string; rows: number }>('SELECT model_version, count(*)::int AS rows FROM claim_view GROUP BY 1 ORDER BY 1')).rows;

  it('uses the current model by default, and the one asked for with --model', async () => {
    await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V1 });
    expect(await models()).toEqual([{ model_version: ASSESSMENT_MODEL_V1.modelVersion, rows: 12 }]);
    const report = await rebuildProjections(api.db.pool);
    expect(report.model?.modelVersion).toBe(CURRENT_ASSESSMENT_MODEL.modelVersion);
    expect(await models()).toEqual([{ model_version: CURRENT_ASSESSMENT_MODEL.modelVersion, rows: 12 }]);

    const cli = await runCli(api.db.url, 'projections', 'rebuild', 'claim_view', '--model', 'v1');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`model: switched to ${ASSESSMENT_MODEL_V1.modelVersion} (live rows were ${CURRENT_ASSESSMENT_MODEL.modelVersion} 12)`);
    expect(await models()).toEqual([{ model_version: ASSESSMENT_MODEL_V1.modelVersion, rows: 12 }]);
    const status = await runCli(api.db.url, 'projections', 'status');
    expect(status.stdout).toContain(`claim_view rows by model: ${ASSESSMENT_MODEL_V1.modelVersion} 12; current ${CURRENT_ASSESSMENT_MODEL.modelVersion} (run \`projections what-if\``);
    const refused = await runCli(api.db.url, 'projections', 'rebuild', '--model', 'v0');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('unknown model v0; one of v1, v2');
  });

  it('starts over, rather than resuming, a rebuild interrupted under another model', async () => {
    await expect(rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V1, batchSize: 2, stopAfterBatches: 2 })).rejects.toBeInstanceOf(RebuildInterrupted);
    const switched = await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V2, batchSize: 2 });
    expect(switched.resumed).toBe(false);
    expect(await models()).toEqual([{ model_version: ASSESSMENT_MODEL_V2.modelVersion, rows: 12 }]);

    // Under the same model it resumes, as before.
    await expect(rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V1, batchSize: 2, stopAfterBatches: 2 })).rejects.toBeInstanceOf(RebuildInterrupted);
    const resumed = await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V1, batchSize: 2 });
    expect(resumed.resumed).toBe(true);
    expect(await models()).toEqual([{ model_version: ASSESSMENT_MODEL_V1.modelVersion, rows: 12 }]);
  });
});
