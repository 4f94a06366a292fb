import type {
  ClaimResponse,
  ClaimStatus,
  ClaimSummary,
  CredibilityRating,
  Icd203Band,
  PublishedStatus,
} from '@claims/contracts';
import {
  assessClaim,
  CURRENT_ASSESSMENT_MODEL,
  normaliseName,
  type AssessmentParams,
  type ClaimAssessment,
  type OnRecordClaim,
  type SourceCatalogue,
} from '@claims/domain';
import type { ProjectionPoint } from '../projection-point';
import { occurrenceSpanOf } from './occurrence-window';

/** A claim's read model: its folded stream and its assessment against the source catalogue of the moment. */
export interface ClaimView {
  claimId: string;
  version: number;
  position: number;
  updatedAt: string;
  claim: OnRecordClaim;
  assessment: ClaimAssessment;
}

/** What subscribers of status changes care about (the future outbox compares these). */
export interface ClaimHeadline {
  publishedStatus: PublishedStatus;
  computedStatus: ClaimStatus;
  credibilityRating: CredibilityRating;
  band: Icd203Band;
  confidence: number;
  modelVersion: string;
}

/** One projection update of one claim: the headline before (null for a new claim) and after. */
export interface ClaimViewChange {
  claimId: string;
  previous: ClaimHeadline | null;
  current: ClaimHeadline;
  /** Published status, rating or band moved: what a status feed publishes. */
  headlineChanged: boolean;
  view: ClaimView;
}

/** Every source the assessment needs: the reporting sources and the sources they relay. */
export const sourceIdsOf = (claim: OnRecordClaim): string[] =>
  [...new Set(claim.reports.flatMap((report) => [report.sourceId, ...(report.relaysSourceId ? [report.relaysSourceId] : [])]))].sort();

/** The claim's read model: pure, so live updates, rebuilds and time travel compute the same rows. */
export const claimViewOf = (
  claim: OnRecordClaim,
  catalogue: SourceCatalogue,
  at: ProjectionPoint,
  params: AssessmentParams = CURRENT_ASSESSMENT_MODEL,
): ClaimView => ({
  claimId: claim.claimId,
  version: at.version,
  position: at.position,
  updatedAt: at.updatedAt,
  claim,
  assessment: assessClaim(claim, catalogue, params),
});

export const headlineOf = ({ assessment }: ClaimView): ClaimHeadline => ({
  publishedStatus: assessment.publishedStatus,
  computedStatus: assessment.computedStatus,
  credibilityRating: assessment.credibilityRating,
  band: assessment.band,
  confidence: assessment.confidence,
  modelVersion: assessment.modelVersion,
});

export const claimViewChangeOf = (previous: ClaimView | undefined, view: ClaimView): ClaimViewChange => claimViewChangeFrom(previous ? headlineOf(previous) : null, view);

/** The same from the previous row's headline alone (null: a new claim). */
export const claimViewChangeFrom = (before: ClaimHeadline | null, view: ClaimView): ClaimViewChange => {
  const after = headlineOf(view);
  return {
    claimId: view.claimId,
    previous: before,
    current: after,
    headlineChanged:
      before === null ||
      before.publishedStatus !== after.publishedStatus ||
      before.credibilityRating !== after.credibilityRating ||
      before.band !== after.band,
    view,
  };
};

/** Filter keys: actor names and affiliations, compared case-, accent- and spacing-insensitively. */
export const actorKeysOf = (claim: OnRecordClaim): string[] =>
  [...new Set(claim.actors.flatMap((actor) => [actor.name, ...(actor.affiliation ? [actor.affiliation] : [])]).map(normaliseName))].sort();

export const toClaimSummary = ({ claim, assessment, version, updatedAt }: ClaimView): ClaimSummary => ({
  id: claim.claimId,
  version,
  statement: claim.statement,
  category: claim.category,
  country: claim.location.country,
  occurred: { ...claim.occurred, ...occurrenceSpanOf(claim.occurred) },
  status: assessment.publishedStatus,
  computedStatus: assessment.computedStatus,
  verdict: assessment.verdict,
  confidence: assessment.confidence,
  band: assessment.band,
  credibilityRating: assessment.credibilityRating,
  modelVersion: assessment.modelVersion,
  mergedInto: claim.mergedInto ?? null,
  assertedAt: claim.assertedAt,
  updatedAt,
});

export const toClaimResponse = (view: ClaimView): ClaimResponse => {
  const { claim, assessment } = view;
  return {
    ...toClaimSummary(view),
    actors: [...claim.actors],
    location: claim.location,
    ...(claim.quantity ? { quantity: claim.quantity } : {}),
    statementHistory: [...claim.statementHistory],
    reports: [...claim.reports],
    evidence: [...claim.evidence],
    verdictDetails: claim.verdict ?? null,
    assessment,
  };
};
