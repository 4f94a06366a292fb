import { z } from 'zod';
import { IssueVerdictRequest, OpenClaimRequest, ReportInput, RetractReportRequest } from '../api/claims.schema';
import { RegisterSourceRequest, RegradeSourceRequest } from '../api/sources.schema';
import { CalendarDate, Reason } from '../events/primitives.schema';
import { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus } from '../events/vocabulary.schema';

/**
 * A seed dataset: a timeline of the API writes a verification team would have made while reading a set of
 * documents. Every body is an API request body (the same zod schemas the HTTP edge validates with), except
 * that sources, claims and reports are named by stable dataset keys, which the loader maps to server ids.
 */

/** Names an item inside the dataset; also the stem of the write's `Idempotency-Key`. */
export const SeedKey = z
  .string()
  .min(2)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and "-" only');

/** Where an item comes from: a seed document and a passage that occurs in it (whitespace-insensitively). */
export const SeedProvenance = z.strictObject({
  document: z.string().regex(/^[0-9]{3}_[0-9a-f]{16}\.txt$/, 'a seed document file name, e.g. 003_4406458c482ac2ba.txt'),
  quote: z.string().trim().min(10).max(1000),
});
export type SeedProvenance = z.infer<typeof SeedProvenance>;

/**
 * What a confidential source told the desk, in the desk's own words: the note an editor wrote after the
 * conversation, not a passage of a published document (a local contact publishes nothing). Only a report by a
 * confidential source may carry one (checked over the dataset); the API stores it sealed, as the report's quote.
 */
export const SeedFieldNote = z.string().trim().min(10).max(1000);

/**
 * A report with its source (and the source it relays) named by dataset key; its `quote` comes from
 * `provenance`, or, for a confidential source only, from the desk's `fieldNote`: exactly one of the two.
 */
export const SeedReport = ReportInput.omit({ sourceId: true, relaysSourceId: true, quote: true }).extend({
  sourceKey: SeedKey,
  relaysSourceKey: SeedKey.optional(),
  provenance: SeedProvenance.optional(),
  fieldNote: SeedFieldNote.optional(),
});
export type SeedReport = z.infer<typeof SeedReport>;

/** What the model must compute for a claim once the whole dataset is loaded, and why an analyst agrees (or not). */
export const SeedExpectation = z.strictObject({
  /** Published status: the verdict when there is one, else the computed status. */
  status: PublishedStatus,
  /** Needed when a verdict hides it. */
  computedStatus: ClaimStatus.optional(),
  rating: CredibilityRating,
  /** Stated for every claim, so the seed test checks the band rather than taking the computed one. */
  band: Icd203Band,
  /** Substrings of lines of the assessment's `explanation` (ids vary between stores, so none are quoted). */
  explanationIncludes: z.array(z.string().min(1)).min(1),
  /** The analyst's reading of the evidence. */
  reasoning: z.string().trim().min(20),
  /** Where the analyst would answer differently from the model (the expectation follows the model). */
  disagreement: z.string().trim().min(10).optional(),
  /**
   * What assessment-model-v1 computed, only where it differs from the current model: its answer and why the
   * current model's is the better one. Absent: v1 answers as above.
   */
  v1: z
    .strictObject({
      status: PublishedStatus,
      computedStatus: ClaimStatus.optional(),
      rating: CredibilityRating,
      band: Icd203Band,
      why: z.string().trim().min(20),
    })
    .optional(),
});
export type SeedExpectation = z.infer<typeof SeedExpectation>;

const stepBase = {
  /** Unique in the dataset. */
  key: SeedKey,
  /** When it happened, by the documents (a report's `publishedAt` falls on this day). */
  at: CalendarDate,
  /** How the date or a judgement was arrived at, when the documents do not say it outright. */
  note: z.string().trim().min(1).max(1000).optional(),
};

export const RegisterSourceStep = z.strictObject({
  action: z.literal('register-source'),
  ...stepBase,
  source: RegisterSourceRequest,
  /** One line on why the source gets its grade. */
  gradeRationale: z.string().trim().min(10).max(500),
  /** Where the documents name the source; absent exactly when it is confidential (no document names it). */
  provenance: SeedProvenance.optional(),
});

export const OpenClaimStep = z.strictObject({
  action: z.literal('open-claim'),
  ...stepBase,
  claim: OpenClaimRequest.omit({ report: true }),
  /** Key of the report that puts the claim on record (for a later retraction). */
  reportKey: SeedKey,
  report: SeedReport,
  expected: SeedExpectation,
});

export const AddReportStep = z
  .strictObject({
    action: z.literal('add-report'),
    ...stepBase,
    claimKey: SeedKey,
    stance: z.enum(['supports', 'disputes']),
    /** Required for a dispute: what it contradicts. */
    reason: Reason.optional(),
    report: SeedReport,
  })
  .refine((step) => (step.stance === 'disputes') === (step.reason !== undefined), {
    message: 'a dispute needs a reason, and only a dispute has one',
    path: ['reason'],
  });

export const RetractReportStep = z.strictObject({
  action: z.literal('retract-report'),
  ...stepBase,
  claimKey: SeedKey,
  reportKey: SeedKey,
  body: RetractReportRequest,
});

export const RegradeSourceStep = z.strictObject({
  action: z.literal('regrade-source'),
  ...stepBase,
  sourceKey: SeedKey,
  body: RegradeSourceRequest,
  provenance: SeedProvenance,
});

export const IssueVerdictStep = z.strictObject({
  action: z.literal('issue-verdict'),
  ...stepBase,
  claimKey: SeedKey,
  body: IssueVerdictRequest,
});

export const SeedStep = z.discriminatedUnion('action', [
  RegisterSourceStep,
  OpenClaimStep,
  AddReportStep,
  RetractReportStep,
  RegradeSourceStep,
  IssueVerdictStep,
]);
export type SeedStep = z.infer<typeof SeedStep>;

/** The report keys a step defines, for cross-reference checks. */
const reportKeyOf = (step: SeedStep): string | undefined =>
  step.action === 'open-claim' ? step.reportKey : step.action === 'add-report' ? step.key : undefined;

const reportSourceKeys = (report: SeedReport): string[] => [report.sourceKey, ...(report.relaysSourceKey ? [report.relaysSourceKey] : [])];

/**
 * Where an item's text comes from must be stated, and stated honestly: a public source by a passage of a seed
 * document, a confidential source (a person the documents do not name) by none; a report by a passage, or by
 * the desk's field note when, and only when, its source is confidential.
 */
const checkProvenance = (steps: readonly SeedStep[], context: z.RefinementCtx): void => {
  const issue = (path: Array<string | number>, message: string) => context.addIssue({ code: 'custom', path, message });
  const confidential = new Set(steps.flatMap((step) => (step.action === 'register-source' && step.source.confidential ? [step.key] : [])));
  steps.forEach((step, index) => {
    if (step.action === 'register-source' && (step.provenance === undefined) !== confidential.has(step.key)) {
      issue(['steps', index, 'provenance'], confidential.has(step.key) ? 'a confidential source is named by no document: give no provenance' : 'a source needs the passage that names it');
    }
    if (step.action !== 'open-claim' && step.action !== 'add-report') return;
    const { report } = step;
    if ((report.provenance === undefined) === (report.fieldNote === undefined)) {
      issue(['steps', index, 'report'], 'a report needs exactly one of provenance (a document passage) and fieldNote (the desk\'s note)');
    } else if (report.fieldNote !== undefined && !confidential.has(report.sourceKey)) {
      issue(['steps', index, 'report', 'fieldNote'], `only a confidential source's report may carry a field note; "${report.sourceKey}" is not confidential`);
    }
  });
};

/**
 * Checks what the API cannot see from one request: unique keys, every key defined before it is used,
 * steps in date order, and each report published on its step's day.
 */
const checkTimeline = (steps: readonly SeedStep[], context: z.RefinementCtx): void => {
  const issue = (index: number, field: string, message: string) =>
    context.addIssue({ code: 'custom', path: ['steps', index, field], message });
  const stepKeys = new Set<string>();
  const sources = new Set<string>();
  const claims = new Set<string>();
  const reports = new Map<string, string>();
  steps.forEach((step, index) => {
    if (stepKeys.has(step.key)) issue(index, 'key', `duplicate step key "${step.key}"`);
    stepKeys.add(step.key);
    if (index > 0 && step.at < steps[index - 1].at) issue(index, 'at', `${step.at} is before the previous step (${steps[index - 1].at})`);

    const needSource = (key: string, field: string) => {
      if (!sources.has(key)) issue(index, field, `source "${key}" is not registered by an earlier step`);
    };
    const needClaim = (key: string) => {
      if (!claims.has(key)) issue(index, 'claimKey', `claim "${key}" is not opened by an earlier step`);
    };
    if (step.action === 'open-claim' || step.action === 'add-report') {
      for (const key of reportSourceKeys(step.report)) needSource(key, 'report');
      if (step.report.publishedAt.slice(0, 10) !== step.at) issue(index, 'report', `publishedAt ${step.report.publishedAt} is not on ${step.at}`);
    }
    switch (step.action) {
      case 'register-source':
        if (sources.has(step.key)) issue(index, 'key', `source "${step.key}" registered twice`);
        sources.add(step.key);
        break;
      case 'open-claim':
        claims.add(step.key);
        break;
      case 'add-report':
        needClaim(step.claimKey);
        break;
      case 'retract-report':
        needClaim(step.claimKey);
        if (reports.get(step.reportKey) !== step.claimKey) issue(index, 'reportKey', `report "${step.reportKey}" is not an earlier report on claim "${step.claimKey}"`);
        break;
      case 'regrade-source':
        needSource(step.sourceKey, 'sourceKey');
        break;
      case 'issue-verdict':
        needClaim(step.claimKey);
        break;
    }
    const reportKey = reportKeyOf(step);
    if (reportKey !== undefined) {
      if (reports.has(reportKey)) issue(index, 'reportKey', `duplicate report key "${reportKey}"`);
      reports.set(reportKey, step.action === 'open-claim' ? step.key : (step as { claimKey: string }).claimKey);
    }
  });
};

export const SeedDatasetSchema = z
  .strictObject({
    /** Stable id of the dataset: prefixes every `Idempotency-Key`, so changing it loads a second copy. */
    id: SeedKey,
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().min(1).max(5000),
    /** The seed documents, by file name, with what they are. */
    documents: z.record(SeedProvenance.shape.document, z.string().trim().min(1).max(500)),
    steps: z.array(SeedStep).min(1),
  })
  .superRefine((dataset, context) => {
    checkTimeline(dataset.steps, context);
    checkProvenance(dataset.steps, context);
    dataset.steps.forEach((step, index) => {
      const documents = [
        ...('provenance' in step && step.provenance ? [step.provenance.document] : []),
        ...('report' in step && step.report.provenance ? [step.report.provenance.document] : []),
      ];
      for (const document of documents) {
        if (!(document in dataset.documents)) {
          context.addIssue({ code: 'custom', path: ['steps', index], message: `document ${document} is not listed in "documents"` });
        }
      }
    });
  });
export type SeedDataset = z.infer<typeof SeedDatasetSchema>;

/**
 * The report as the API takes it: keys replaced by server ids, the provenance kept as its quote (a field note
 * as a quote that says it is the desk's note, so nobody reads it as a published passage).
 */
export const toReportInput = (report: SeedReport, sourceIdOf: (key: string) => string): ReportInput => {
  const { sourceKey, relaysSourceKey, provenance, fieldNote, ...rest } = report;
  return {
    ...rest,
    sourceId: sourceIdOf(sourceKey),
    ...(relaysSourceKey ? { relaysSourceId: sourceIdOf(relaysSourceKey) } : {}),
    quote: provenance ? `"${provenance.quote}" (${provenance.document})` : `Desk field note: ${fieldNote ?? ''}`,
  };
};
