import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AddReportRequest, IssueVerdictRequest, OpenClaimRequest, RetractReportRequest } from '../api/claims.schema';
import { RegisterSourceRequest, RegradeSourceRequest } from '../api/sources.schema';
import { SeedDatasetSchema, toReportInput, type SeedDataset } from './seed-dataset.schema';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const datasetFile = path.join(repoRoot, 'infra', 'seed', 'sahel-2019-2023.json');
// The five source documents, kept beside the dataset so every quote can be checked from a clone alone.
const seedsDir = path.join(repoRoot, 'infra', 'seed', 'documents');
const raw = (): unknown => JSON.parse(readFileSync(datasetFile, 'utf8'));
const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();
const fakeId = (key: string): string => `00000000-0000-4000-8000-${Buffer.from(key).toString('hex').padEnd(12, '0').slice(0, 12)}`;

describe('the Sahel seed dataset', () => {
  const dataset: SeedDataset = SeedDatasetSchema.parse(raw());
  const claims = dataset.steps.filter((step) => step.action === 'open-claim');
  const sources = dataset.steps.filter((step) => step.action === 'register-source');

  it('covers at least 15 claims and 20 sources, each claim with its expectation', () => {
    expect(claims.length).toBeGreaterThanOrEqual(15);
    expect(sources.length).toBeGreaterThanOrEqual(20);
    for (const claim of claims) expect(claim.expected.explanationIncludes.length).toBeGreaterThan(0);
  });

  it('covers a retraction, a dispute, a verdict and a re-grade', () => {
    const actions = new Set(dataset.steps.map((step) => (step.action === 'add-report' ? `${step.action}:${step.stance}` : step.action)));
    expect([...actions].sort()).toEqual(
      ['add-report:disputes', 'add-report:supports', 'issue-verdict', 'open-claim', 'register-source', 'regrade-source', 'retract-report'].sort(),
    );
  });

  it('turns every step into a body the API request schemas accept', () => {
    for (const step of dataset.steps) {
      const context = `step ${step.key}`;
      const parse = (schema: { safeParse(value: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
        const result = schema.safeParse(body);
        if (!result.success) throw new Error(`${context}: ${String(result.error)}`);
      };
      switch (step.action) {
        case 'register-source':
          parse(RegisterSourceRequest, step.source);
          break;
        case 'open-claim':
          parse(OpenClaimRequest, { ...step.claim, report: toReportInput(step.report, fakeId) });
          break;
        case 'add-report':
          parse(AddReportRequest, { stance: step.stance, ...(step.reason ? { reason: step.reason } : {}), report: toReportInput(step.report, fakeId) });
          break;
        case 'retract-report':
          parse(RetractReportRequest, step.body);
          break;
        case 'regrade-source':
          parse(RegradeSourceRequest, step.body);
          break;
        case 'issue-verdict':
          parse(IssueVerdictRequest, step.body);
          break;
      }
    }
  });

  it('quotes every source and report from the seed document it names', () => {
    if (!existsSync(seedsDir)) {
      throw new Error(`the seed documents are not at ${seedsDir}`);
    }
    const documents = new Map(Object.keys(dataset.documents).map((name) => [name, normalise(readFileSync(path.join(seedsDir, name), 'utf8'))]));
    const missing = dataset.steps.flatMap((step) => {
      const provenances = [...('provenance' in step && step.provenance ? [step.provenance] : []), ...('report' in step && step.report.provenance ? [step.report.provenance] : [])];
      return provenances
        .filter(({ document, quote }) => !documents.get(document)?.includes(normalise(quote)))
        .map(({ document, quote }) => `${step.key}: "${quote}" is not in ${document}`);
    });
    expect(missing).toEqual([]);
  });

  it('holds one confidential source, whose reports carry field notes that the API takes as their quote', () => {
    const confidential = sources.filter((step) => step.source.confidential);
    expect(confidential.map((step) => [step.key, step.source.kind, step.provenance])).toEqual([['src-local-contact-kalamba', 'local_contact', undefined]]);
    const notes = dataset.steps.flatMap((step) => ('report' in step && step.report.fieldNote ? [[step.key, step.report.sourceKey, toReportInput(step.report, fakeId).quote]] : []));
    expect(notes).toEqual([['rep-attack-local-contact', 'src-local-contact-kalamba', expect.stringMatching(/^Desk field note: By phone: /)]]);
  });

  describe('refuses a dataset whose timeline does not hold together', () => {
    const broken = (edit: (steps: Array<Record<string, unknown>>) => void) => {
      const copy = raw() as { steps: Array<Record<string, unknown>> };
      edit(copy.steps);
      const result = SeedDatasetSchema.safeParse(copy);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    const indexOf = (steps: Array<Record<string, unknown>>, key: string) => steps.findIndex((step) => step.key === key);

    it('a report from a source registered later', () => {
      expect(broken((steps) => steps.splice(indexOf(steps, 'src-jnim-profile'), 1))).toContain(
        'source "src-jnim-profile" is not registered by an earlier step',
      );
    });

    it('a step dated before the one it follows', () => {
      expect(broken((steps) => (steps[indexOf(steps, 'src-acled')].at = '2019-01-01'))).toContain('2019-01-01 is before the previous step (2020-07-07)');
    });

    it('a retraction of a report on another claim', () => {
      expect(broken((steps) => (steps[indexOf(steps, 'retract-executions-al-naba')].reportKey = 'rep-attack-al-naba'))).toContain(
        'report "rep-attack-al-naba" is not an earlier report on claim "claim-kalamba-executions"',
      );
    });

    it('an expectation that does not state its band', () => {
      const copy = raw() as { steps: Array<Record<string, unknown>> };
      const index = indexOf(copy.steps, 'claim-kalamba-executions');
      delete (copy.steps[index].expected as Record<string, unknown>).band;
      const result = SeedDatasetSchema.safeParse(copy);
      expect(result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'))).toEqual([`steps.${index}.expected.band`]);
    });

    it('a field note on a report by a source that is not confidential', () => {
      expect(
        broken((steps) => {
          const report = steps[indexOf(steps, 'rep-attack-p-vanostaeyen')].report as Record<string, unknown>;
          delete report.provenance;
          report.fieldNote = 'What the desk says he said on the phone.';
        }),
      ).toEqual(['only a confidential source\'s report may carry a field note; "src-x-p-vanostaeyen" is not confidential']);
    });

    it('a report with both a document passage and a field note, or neither', () => {
      const both = broken((steps) => {
        (steps[indexOf(steps, 'rep-attack-local-contact')].report as Record<string, unknown>).provenance = { document: '000_2befde8eef601115.txt', quote: 'near Kalamba in the Centre-Nord Region' };
      });
      const neither = broken((steps) => delete (steps[indexOf(steps, 'rep-attack-local-contact')].report as Record<string, unknown>).fieldNote);
      for (const messages of [both, neither]) expect(messages).toEqual(['a report needs exactly one of provenance (a document passage) and fieldNote (the desk\'s note)']);
    });

    it('a confidential source given a document passage, or a public source without one', () => {
      expect(broken((steps) => (steps[indexOf(steps, 'src-local-contact-kalamba')].provenance = { document: '000_2befde8eef601115.txt', quote: 'near Kalamba in the Centre-Nord Region' }))).toEqual([
        'a confidential source is named by no document: give no provenance',
      ]);
      expect(broken((steps) => delete steps[indexOf(steps, 'src-acled')].provenance)).toEqual(['a source needs the passage that names it']);
    });

    it('a duplicate key', () => {
      expect(broken((steps) => (steps[indexOf(steps, 'src-ihs-jtic')].key = 'src-jnim-profile'))).toEqual(
        expect.arrayContaining(['duplicate step key "src-jnim-profile"']),
      );
    });
  });
});
