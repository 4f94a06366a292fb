import { z } from 'zod';
import { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus, ReportStance, Verdict } from '../events/vocabulary.schema';

/**
 * The assessment as the API returns it: the domain's `ClaimAssessment` (see docs/assessment.md), which the
 * projection checks against this schema at compile time.
 */
export const OpinionSchema = z.object({
  belief: z.number(),
  disbelief: z.number(),
  uncertainty: z.number(),
  baseRate: z.number(),
});

export const ProvenanceClusterSchema = z.object({
  clusterId: z.string(),
  basis: z.enum(['source', 'origin_group']),
  rootSourceId: z.string().optional(),
  originGroup: z.string().optional(),
  sourceIds: z.array(z.string()),
  reportIds: z.array(z.string()),
  support: z.number(),
  dispute: z.number(),
  countedSupportReportId: z.string().optional(),
  countedDisputeReportId: z.string().optional(),
  corroborates: z.boolean(),
  /** A non-self-interested dispute of at least `disputedMinEvidence`: a credible independent dispute. */
  disputesCredibly: z.boolean(),
  beliefContribution: z.number(),
  disbeliefContribution: z.number(),
});

export const DiscountReasonSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('relay'), of: z.string(), via: z.string() }),
  z.object({ code: z.literal('same_origin_group'), originGroup: z.string(), as: z.string(), countedReportId: z.string() }),
  z.object({ code: z.literal('same_provenance'), countedReportId: z.string() }),
  z.object({
    code: z.literal('self_interested'),
    basis: z.enum(['declared', 'affiliation', 'relayed']),
    affiliation: z.string().optional(),
  }),
  z.object({ code: z.literal('retracted'), reason: z.string() }),
  z.object({ code: z.literal('unknown_source') }),
]);

export const DiscountedReportSchema = z.object({
  reportId: z.string(),
  sourceId: z.string(),
  stance: ReportStance,
  weight: z.number(),
  reasons: z.array(DiscountReasonSchema),
});

export const ReportedFigureSchema = z.object({
  reportId: z.string(),
  sourceId: z.string(),
  stance: ReportStance,
  low: z.number().optional(),
  best: z.number().optional(),
  high: z.number().optional(),
  lower: z.number(),
  upper: z.number().nullable(),
});

export const FigureSummarySchema = z.object({
  counted: z.string().optional(),
  unit: z.string().optional(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  conflicting: z.boolean(),
  values: z.array(ReportedFigureSchema),
});

export const ClaimAssessmentSchema = z.object({
  modelVersion: z.string(),
  claimId: z.string(),
  confidence: z.number().min(0).max(1),
  band: Icd203Band,
  opinion: OpinionSchema,
  evidence: z.object({ support: z.number(), dispute: z.number() }),
  conflict: z.number(),
  computedStatus: ClaimStatus,
  /** Why the computed status, in one sentence naming the sources on each side (every model gives one). */
  statusReason: z.string().min(1),
  verdict: Verdict.nullable(),
  publishedStatus: PublishedStatus,
  credibilityRating: CredibilityRating,
  independentCorroborations: z.number().int(),
  mergedInto: z.string().nullable(),
  figures: FigureSummarySchema.nullable(),
  clusters: z.array(ProvenanceClusterSchema),
  discounted: z.array(DiscountedReportSchema),
  /** The same, in sentences for editors. */
  explanation: z.array(z.string()),
});
export type ClaimAssessmentResponse = z.infer<typeof ClaimAssessmentSchema>;
