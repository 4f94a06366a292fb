import { z } from 'zod';
import { defineEvent } from './event-envelope';
import {
  ActorId,
  ClaimActor,
  ClaimLocation,
  ClaimQuantity,
  HttpUrl,
  Identifier,
  MediaType,
  OccurrenceWindow,
  Reason,
  ReportDetails,
  Sha256Hex,
  Statement,
  Timestamp,
} from './primitives.schema';
import { ClaimCategory, Verdict } from './vocabulary.schema';

/** Every event records when it was decided and by whom; both arrive in the command, never from a clock. */
const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

/** The first report puts the claim on record; the claim's descriptive fields live here. */
export const ClaimAssertedData = z.strictObject({
  claimId: Identifier,
  statement: Statement,
  category: ClaimCategory,
  actors: z.array(ClaimActor).max(50),
  location: ClaimLocation,
  occurred: OccurrenceWindow,
  quantity: ClaimQuantity.optional(),
  report: ReportDetails,
  ...recorded,
});

/** A further source supports the claim. */
export const ClaimCorroboratedData = z.strictObject({ claimId: Identifier, report: ReportDetails, ...recorded });

/** A source contradicts the claim; its own figure, if any, travels in `report.figure`. */
export const ClaimDisputedData = z.strictObject({
  claimId: Identifier,
  report: ReportDetails,
  reason: Reason,
  ...recorded,
});

/** The source withdrew its report; the report stays in the history, inactive. */
export const ClaimReportRetractedData = z.strictObject({
  claimId: Identifier,
  reportId: Identifier,
  sourceId: Identifier,
  reason: Reason,
  ...recorded,
});

export const ClaimEvidenceAttachedData = z.strictObject({
  claimId: Identifier,
  evidenceId: Identifier,
  url: HttpUrl,
  sha256: Sha256Hex,
  mediaType: MediaType,
  /** The report this archived copy backs, when it backs one. */
  reportId: Identifier.optional(),
  ...recorded,
});

export const ClaimVerdictIssuedData = z.strictObject({
  claimId: Identifier,
  verdict: Verdict,
  rationale: Reason,
  ...recorded,
});

export const ClaimVerdictWithdrawnData = z.strictObject({
  claimId: Identifier,
  withdrawnVerdict: Verdict,
  reason: Reason,
  ...recorded,
});

/** The claim duplicates `intoClaimId`; from now on reports go there. */
export const ClaimMergedData = z.strictObject({
  claimId: Identifier,
  intoClaimId: Identifier,
  reason: Reason,
  ...recorded,
});

export const ClaimStatementAmendedData = z.strictObject({
  claimId: Identifier,
  previousStatement: Statement,
  statement: Statement,
  reason: Reason,
  ...recorded,
});

export const ClaimAsserted = defineEvent('ClaimAsserted', ClaimAssertedData);
export const ClaimCorroborated = defineEvent('ClaimCorroborated', ClaimCorroboratedData);
export const ClaimDisputed = defineEvent('ClaimDisputed', ClaimDisputedData);
export const ClaimReportRetracted = defineEvent('ClaimReportRetracted', ClaimReportRetractedData);
export const ClaimEvidenceAttached = defineEvent('ClaimEvidenceAttached', ClaimEvidenceAttachedData);
export const ClaimVerdictIssued = defineEvent('ClaimVerdictIssued', ClaimVerdictIssuedData);
export const ClaimVerdictWithdrawn = defineEvent('ClaimVerdictWithdrawn', ClaimVerdictWithdrawnData);
export const ClaimMerged = defineEvent('ClaimMerged', ClaimMergedData);
export const ClaimStatementAmended = defineEvent('ClaimStatementAmended', ClaimStatementAmendedData);

/** Any event of a claim stream, discriminated by `type`. */
export const ClaimEvent = z.discriminatedUnion('type', [
  ClaimAsserted,
  ClaimCorroborated,
  ClaimDisputed,
  ClaimReportRetracted,
  ClaimEvidenceAttached,
  ClaimVerdictIssued,
  ClaimVerdictWithdrawn,
  ClaimMerged,
  ClaimStatementAmended,
]);

export type ClaimAsserted = z.infer<typeof ClaimAsserted>;
export type ClaimCorroborated = z.infer<typeof ClaimCorroborated>;
export type ClaimDisputed = z.infer<typeof ClaimDisputed>;
export type ClaimReportRetracted = z.infer<typeof ClaimReportRetracted>;
export type ClaimEvidenceAttached = z.infer<typeof ClaimEvidenceAttached>;
export type ClaimVerdictIssued = z.infer<typeof ClaimVerdictIssued>;
export type ClaimVerdictWithdrawn = z.infer<typeof ClaimVerdictWithdrawn>;
export type ClaimMerged = z.infer<typeof ClaimMerged>;
export type ClaimStatementAmended = z.infer<typeof ClaimStatementAmended>;
export type ClaimEvent = z.infer<typeof ClaimEvent>;
export type ClaimEventType = ClaimEvent['type'];
