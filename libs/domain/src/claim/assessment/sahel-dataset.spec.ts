import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SeedDatasetSchema, toReportInput, type SeedDataset, type SeedExpectation } from '@claims/contracts';
import type { SourceSnapshot } from '../../source/source-catalogue';
import { sourceDecider, toSourceSnapshot, type SourceState } from '../../source/source.decider';
import { claimDecider } from '../claim.decider';
import type { ClaimCommand } from '../claim.commands';
import type { ClaimState, OnRecordClaim } from '../claim.state';
import type { SourceCommand } from '../../source/source.commands';
import { assessClaim } from './assess-claim';
import { ASSESSMENT_MODELS, CURRENT_ASSESSMENT_MODEL, type AssessmentModelName } from './models';

const datasetFile = path.resolve(__dirname, '..', '..', '..', '..', '..', 'infra', 'seed', 'sahel-2019-2023.json');
const dataset: SeedDataset = SeedDatasetSchema.parse(JSON.parse(readFileSync(datasetFile, 'utf8')));

/**
 * The dataset's timeline through the deciders, in memory (the HTTP path is tests/seed): dataset keys stand
 * in for server ids. Returns every claim and the final source catalogue.
 */
const replay = () => {
  const sources = new Map<string, SourceState>();
  const claims = new Map<string, ClaimState>();
  const catalogue = {
    get: (id: string): SourceSnapshot | undefined => {
      const state = sources.get(id);
      return state?.status === 'registered' ? toSourceSnapshot(state) : undefined;
    },
  };
  for (const step of dataset.steps) {
    const metadata = { now: '2025-01-15T09:00:00.000Z', actor: 'seed' };
    const onSource = (sourceId: string, command: SourceCommand) => {
      const state = sources.get(sourceId) ?? sourceDecider.initialState();
      sources.set(sourceId, sourceDecider.decide(command, state).reduce(sourceDecider.evolve, state));
    };
    const onClaim = (claimId: string, command: ClaimCommand) => {
      const state = claims.get(claimId) ?? claimDecider.initialState();
      claims.set(claimId, claimDecider.decide(command, state).reduce(claimDecider.evolve, state));
    };
    const reportOf = (reportId: string, report: Parameters<typeof toReportInput>[0]) => ({ ...toReportInput(report, (key) => key), reportId });
    switch (step.action) {
      case 'register-source': {
        // A confidential source's identity is sealed by the API; the assessment sees only its clear fields.
        const { confidential: _confidential, contactNotes: _contactNotes, ...source } = step.source;
        onSource(step.key, { type: 'RegisterSource', data: { sourceId: step.key, ...source }, metadata });
        break;
      }
      case 'regrade-source':
        onSource(step.sourceKey, { type: 'RegradeSourceReliability', data: { sourceId: step.sourceKey, ...step.body }, metadata });
        break;
      case 'open-claim':
        onClaim(step.key, { type: 'OpenClaim', data: { ...step.claim, claimId: step.key, report: reportOf(step.reportKey, step.report), sources: catalogue }, metadata });
        break;
      case 'add-report': {
        const report = reportOf(step.key, step.report);
        const data = step.stance === 'supports'
          ? { claimId: step.claimKey, report, sources: catalogue, stance: 'supports' as const }
          : { claimId: step.claimKey, report, sources: catalogue, stance: 'disputes' as const, reason: step.reason ?? '' };
        onClaim(step.claimKey, { type: 'AddReport', data, metadata });
        break;
      }
      case 'retract-report':
        onClaim(step.claimKey, { type: 'RetractReport', data: { claimId: step.claimKey, reportId: step.reportKey, reason: step.body.reason }, metadata });
        break;
      case 'issue-verdict':
        onClaim(step.claimKey, { type: 'IssueVerdict', data: { claimId: step.claimKey, ...step.body }, metadata });
        break;
    }
  }
  return { claims, catalogue };
};

const { claims, catalogue } = replay();
const openings = dataset.steps.flatMap((step) => (step.action === 'open-claim' ? [step] : []));
const outcomeOf = (key: string, model: AssessmentModelName) => {
  const assessment = assessClaim(claims.get(key) as OnRecordClaim, catalogue, ASSESSMENT_MODELS[model]);
  return { status: assessment.publishedStatus, computedStatus: assessment.computedStatus, rating: assessment.credibilityRating, band: assessment.band, assessment };
};
const expectedOutcome = (expected: Pick<SeedExpectation, 'status' | 'computedStatus' | 'rating' | 'band'>) => ({
  status: expected.status,
  computedStatus: expected.computedStatus ?? expected.status,
  rating: expected.rating,
  band: expected.band,
});

describe('the Sahel dataset under each model, in memory', () => {
  it.each(openings.map((step) => [step.key, step.expected] as const))('%s ends where the dataset expects under the current model', (key, expected) => {
    const { assessment, ...outcome } = outcomeOf(key, 'v2');
    expect(assessment.modelVersion).toBe(CURRENT_ASSESSMENT_MODEL.modelVersion);
    expect({ ...outcome, missing: expected.explanationIncludes.filter((part) => !assessment.explanation.some((line) => line.includes(part))) })
      .toEqual({ ...expectedOutcome(expected), missing: [] });
  });

  it.each(openings.map((step) => [step.key, step.expected] as const))('%s: v1 answers as the dataset says it did', (key, expected) => {
    const { assessment, ...outcome } = outcomeOf(key, 'v1');
    expect(assessment.modelVersion).toBe(ASSESSMENT_MODELS.v1.modelVersion);
    expect(outcome).toEqual(expectedOutcome(expected.v1 ?? expected));
  });
});
