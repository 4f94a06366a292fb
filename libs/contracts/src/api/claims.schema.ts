import { z } from 'zod';
import {
  ActorId,
  CalendarDate,
  ClaimActor,
  ClaimLocation,
  ClaimQuantity,
  HttpUrl,
  MediaType,
  OccurrenceWindow,
  Reason,
  ReportDetails,
  Sha256Hex,
  Statement,
  Timestamp,
} from '../events/primitives.schema';
import {
  ClaimCategory,
  ClaimStatus,
  CredibilityRating,
  DatePrecision,
  Icd203Band,
  PublishedStatus,
  ReportStance,
  Verdict,
} from '../events/vocabulary.schema';
import { ClaimAssessmentSchema } from './assessment.schema';
import { ResourceId } from './common.schema';

/** A report as a client submits it: the server assigns `reportId`; sources are named by their (server) ids. */
export const ReportInput = ReportDetails.omit({ reportId: true, sealed: true }).extend({ sourceId: ResourceId, relaysSourceId: ResourceId.optional() });
export type ReportInput = z.infer<typeof ReportInput>;

export const OpenClaimRequest = z.strictObject({
  statement: Statement,
  category: ClaimCategory,
  actors: z.array(ClaimActor).max(50),
  location: ClaimLocation,
  occurred: OccurrenceWindow,
  /** Required for `casualty_figure` claims. */
  quantity: ClaimQuantity.optional(),
  /** The report that puts the claim on record. */
  report: ReportInput,
});
export type OpenClaimRequest = z.infer<typeof OpenClaimRequest>;

/** `supports` corroborates the claim; `disputes` contradicts it and needs a reason. */
export const AddReportRequest = z.discriminatedUnion('stance', [
  z.strictObject({ stance: z.literal('supports'), report: ReportInput }),
  z.strictObject({ stance: z.literal('disputes'), reason: Reason, report: ReportInput }),
]);
export type AddReportRequest = z.infer<typeof AddReportRequest>;

export const RetractReportRequest = z.strictObject({ reason: Reason });
export type RetractReportRequest = z.infer<typeof RetractReportRequest>;

export const AttachEvidenceRequest = z.strictObject({
  url: HttpUrl,
  sha256: Sha256Hex,
  mediaType: MediaType,
  /** The report this archived copy backs, when it backs one. */
  reportId: ResourceId.optional(),
});
export type AttachEvidenceRequest = z.infer<typeof AttachEvidenceRequest>;

export const IssueVerdictRequest = z.strictObject({ verdict: Verdict, rationale: Reason });
export type IssueVerdictRequest = z.infer<typeof IssueVerdictRequest>;

export const WithdrawVerdictRequest = z.strictObject({ reason: Reason });
export type WithdrawVerdictRequest = z.infer<typeof WithdrawVerdictRequest>;

export const MergeClaimRequest = z.strictObject({ intoClaimId: ResourceId, reason: Reason });
export type MergeClaimRequest = z.infer<typeof MergeClaimRequest>;

export const AmendStatementRequest = z.strictObject({ statement: Statement, reason: Reason });
export type AmendStatementRequest = z.infer<typeof AmendStatementRequest>;

const recorded = { recordedAt: Timestamp, recordedBy: ActorId };

export const ClaimReportSchema = ReportDetails.extend({
  stance: ReportStance,
  /** The report that put the claim on record. */
  isAssertion: z.boolean(),
  disputeReason: z.string().optional(),
  ...recorded,
  retraction: z.object({ reason: z.string(), ...recorded }).optional(),
});

export const ClaimEvidenceSchema = z.object({
  evidenceId: z.string(),
  url: z.string(),
  sha256: z.string(),
  mediaType: z.string(),
  reportId: z.string().optional(),
  ...recorded,
});

export const ClaimVerdictSchema = z.object({ verdict: Verdict, rationale: z.string(), ...recorded });

export const StatementRevisionSchema = z.object({
  statement: z.string(),
  replacedBecause: z.string().optional(),
  ...recorded,
});

/**
 * When the claimed event happened, as recorded (`start`, `end`, `precision`: day, week, month or year) and
 * the days that precision spans (`from`..`to`, inclusive): a `month` claim dated 2023-10-01 spans
 * 2023-10-01..2023-10-31, a `week` one its ISO week (Monday to Sunday), a `year` one the whole year.
 */
export const ClaimOccurrence = z.object({
  start: z.string(),
  end: z.string().optional(),
  precision: DatePrecision,
  from: z.string(),
  to: z.string(),
});
export type ClaimOccurrence = z.infer<typeof ClaimOccurrence>;

/** What a claim list shows of each claim. */
export const ClaimSummary = z.object({
  id: z.string(),
  /** The claim stream's version: send it back as `If-Match`. */
  version: z.number().int(),
  statement: z.string(),
  category: ClaimCategory,
  country: z.string(),
  occurred: ClaimOccurrence,
  /** The verdict when there is one, else the computed status. */
  status: PublishedStatus,
  computedStatus: ClaimStatus,
  verdict: Verdict.nullable(),
  confidence: z.number(),
  band: Icd203Band,
  credibilityRating: CredibilityRating,
  modelVersion: z.string(),
  mergedInto: z.string().nullable(),
  assertedAt: z.string(),
  updatedAt: z.string(),
});
export type ClaimSummary = z.infer<typeof ClaimSummary>;

export const ClaimResponse = ClaimSummary.extend({
  actors: z.array(ClaimActor),
  location: ClaimLocation,
  quantity: ClaimQuantity.optional(),
  statementHistory: z.array(StatementRevisionSchema),
  reports: z.array(ClaimReportSchema),
  evidence: z.array(ClaimEvidenceSchema),
  verdictDetails: ClaimVerdictSchema.nullable(),
  /** Confidence, status, rating, clusters, discounts and the explanation in sentences. */
  assessment: ClaimAssessmentSchema,
});
export type ClaimResponse = z.infer<typeof ClaimResponse>;

export const AddReportResponse = z.object({ reportId: z.string(), claim: ClaimResponse });
export type AddReportResponse = z.infer<typeof AddReportResponse>;

export const AttachEvidenceResponse = z.object({ evidenceId: z.string(), claim: ClaimResponse });
export type AttachEvidenceResponse = z.infer<typeof AttachEvidenceResponse>;

export const ClaimListQuery = z.strictObject({
  /** Published status: a computed status or a verdict. */
  status: PublishedStatus.optional(),
  category: ClaimCategory.optional(),
  /** Case- and accent-insensitive match on an actor's name or affiliation. */
  actor: z.string().trim().min(1).max(300).optional(),
  /** Case-insensitive country name. */
  country: z.string().trim().min(1).max(300).optional(),
  /**
   * Claims whose occurrence overlaps [occurredFrom, occurredTo] (either bound alone: from or until that
   * day), with the date precision taken into account: the window is `occurred.from`..`occurred.to`.
   */
  occurredFrom: CalendarDate.optional(),
  occurredTo: CalendarDate.optional(),
  /** The earlier names of `occurredFrom` and `occurredTo`, kept: the same filter. */
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  /** Full-text search in the statement (web search syntax: words, "phrases", -exclusions). */
  q: z.string().trim().min(1).max(300).optional(),
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ClaimListQuery = z.infer<typeof ClaimListQuery>;

export const ClaimListResponse = z.object({
  /** Most recently asserted first. */
  items: z.array(ClaimSummary),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type ClaimListResponse = z.infer<typeof ClaimListResponse>;

export const ClaimReportResponse = ClaimReportSchema.extend({ claimId: z.string() });
export type ClaimReportResponse = z.infer<typeof ClaimReportResponse>;
export const ClaimEvidenceResponse = ClaimEvidenceSchema.extend({ claimId: z.string() });
export type ClaimEvidenceResponse = z.infer<typeof ClaimEvidenceResponse>;

/**
 * `?model=<name>` on a claim read: recompute the assessment from the log with the named model instead of
 * reading the live row. The names are the domain's (`ASSESSMENT_MODEL_NAMES`), passed in because the
 * contracts do not depend on the domain; the route combines this with its time-travel query.
 */
export const assessmentModelQuery = <const Name extends string>(modelNames: readonly [Name, ...Name[]]) =>
  z.strictObject({
    /** The assessment model to recompute with, by name (e.g. `v1`); omitted: the live row. */
    model: z.enum(modelNames).optional(),
  });
