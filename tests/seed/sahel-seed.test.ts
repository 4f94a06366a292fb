import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SeedDatasetSchema, type ClaimResponse, type SeedDataset, type SourceResponse } from '@claims/contracts';
import { CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { runSeed, SeedStepFailed, type SeedResult } from '../../infra/seed/seed-loader';

const repoRoot = path.resolve(__dirname, '..', '..');
const datasetFile = path.join(repoRoot, 'infra', 'seed', 'sahel-2019-2023.json');
/** Read up front: the per-claim table is built from it. */
const dataset: SeedDataset = SeedDatasetSchema.parse(JSON.parse(readFileSync(datasetFile, 'utf8')));
const claimSteps = dataset.steps.flatMap((step) => (step.action === 'open-claim' ? [step] : []));
const sourceCount = dataset.steps.filter((step) => step.action === 'register-source').length;

describe('npm run seed: the Sahel dataset through the HTTP API', () => {
  let api: ApiTestApp;
  let baseUrl: string;
  let first: SeedResult;
  let eventsAfterFirstRun: number;

  beforeAll(async () => {
    api = await startApiTestApp();
    // After the latest document date (22 July 2024): reports may not be published in the future.
    api.setNow('2025-01-15T09:00:00.000Z');
    await api.app.listen(0, '127.0.0.1');
    const address = api.app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    expect(await api.eventCount()).toBe(Object.keys(api.keys).length);
    first = await runSeed({ baseUrl, apiKey: api.keys.editor.secret, dataset });
    eventsAfterFirstRun = await api.eventCount();
  });
  afterAll(() => api.close());

  it('writes every step into an empty store', () => {
    expect(first).toMatchObject({ steps: dataset.steps.length, created: dataset.steps.length, alreadyPresent: 0 });
    expect(Object.keys(first.claimIds)).toHaveLength(claimSteps.length);
    expect(eventsAfterFirstRun - Object.keys(api.keys).length).toBe(dataset.steps.length);
  });

  // The expectations are the current model's (v2); libs/domain's sahel-dataset spec checks v1's against them in memory.
  describe('each claim ends where the dataset expects under the current model, for the reasons it gives', () => {
    it.each(claimSteps.map((step) => [step.key, step] as const))('%s', async (key, { expected }) => {
      const claim = (await api.http().get(`/claims/${first.claimIds[key]}`).expect(200)).body as ClaimResponse;
      const explanation = claim.assessment.explanation;
      const outcome = {
        model: claim.modelVersion,
        status: claim.status,
        computedStatus: claim.computedStatus,
        rating: claim.credibilityRating,
        band: claim.band,
        missingFromExplanation: expected.explanationIncludes.filter((part) => !explanation.some((line) => line.includes(part))),
      };
      expect(claim.assessment.statusReason.startsWith(`${claim.computedStatus}: `)).toBe(true);
      expect({ ...outcome, explanation }).toEqual({
        model: CURRENT_ASSESSMENT_MODEL.modelVersion,
        status: expected.status,
        computedStatus: expected.computedStatus ?? expected.status,
        rating: expected.rating,
        band: expected.band,
        missingFromExplanation: [],
        explanation,
      });
    });
  });

  it('keeps the documents\' dates on the reports, so history shows the real timeline', async () => {
    const claim = (await api.http().get(`/claims/${first.claimIds['claim-kalamba-executions']}`).expect(200)).body as ClaimResponse;
    expect(claim.reports.map((report) => [report.publishedAt.slice(0, 10), report.stance, report.retraction ? 'retracted' : 'active'])).toEqual([
      ['2023-10-20', 'supports', 'active'],
      ['2023-10-20', 'supports', 'active'],
      ['2023-11-03', 'supports', 'retracted'],
      ['2023-11-08', 'supports', 'active'],
    ]);
    expect(claim.reports[0].quote).toBe('"ISGS’s execution of JNIM “spies” on October 20" (000_2befde8eef601115.txt)');
  });

  it('flags the conflicting fatality figures', async () => {
    const claim = (await api.http().get(`/claims/${first.claimIds['claim-fighters-killed-415']}`).expect(200)).body as ClaimResponse;
    expect(claim.assessment.figures).toMatchObject({ counted: 'fighters killed', low: 415, high: null, conflicting: true });
  });

  it('records the re-grades in the sources\' grade history', async () => {
    const source = (await api.http().get(`/sources/${first.sourceIds['src-wikipedia']}`).expect(200)).body as SourceResponse;
    expect(source.gradeHistory.map((grading) => [grading.reliability, grading.previousReliability ?? null])).toEqual([
      ['F', null],
      ['E', 'F'],
    ]);
    const account = (await api.http().get(`/sources/${first.sourceIds['src-x-africarepor-t']}`).expect(200)).body as SourceResponse;
    expect(account.reliability).toBe('C');
  });

  it('changes nothing when run again through `npm run seed`', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', './infra/register.js', 'infra/seed/seed.ts', '--url', baseUrl, '--file', datasetFile],
      { cwd: repoRoot, env: { ...process.env, CLAIM_LEDGER_API_KEY: api.keys.editor.secret } },
    );
    expect(stdout).toContain(`seeded sahel-2019-2023 into ${baseUrl}: ${dataset.steps.length} steps, 0 created, ${dataset.steps.length} already present (${sourceCount} sources, ${claimSteps.length} claims)`);
    expect(stderr).toMatch(/seed sahel-2019-2023: \d+ steps in/);
    expect(await api.eventCount()).toBe(eventsAfterFirstRun);
  });

  it('names the step and shows the problem when the API refuses a write', async () => {
    const reader = runSeed({ baseUrl, apiKey: api.keys.reader.secret, dataset });
    await expect(reader).rejects.toBeInstanceOf(SeedStepFailed);
    await expect(reader).rejects.toThrow(/^step 1 "src-jnim-profile" \(register-source, POST \/sources\) failed with HTTP 403: the key needs the editor role/);
    await expect(reader).rejects.toThrow(/"code": "PERMISSION_DENIED"/);
    expect(await api.eventCount()).toBe(eventsAfterFirstRun);
  });
});
