import type { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus, Verdict } from '@claims/contracts';
import type { DiscountedReport } from './discounts';
import type { ProvenanceCluster } from './evidence';
import type { FigureSummary } from './figures';
import type { Opinion } from './opinion';

/** The assessment of one claim under one model: what projections store and the API returns (`ClaimAssessmentSchema`). */
export interface ClaimAssessment {
  modelVersion: string;
  claimId: string;
  /** Probability the claim is true: belief + baseRate × uncertainty. */
  confidence: number;
  band: Icd203Band;
  opinion: Opinion;
  /** Total supporting (R) and disputing (S) evidence after clustering. */
  evidence: { support: number; dispute: number };
  /** Degree of conflict between the supporting and the disputing side, in [0, 1]. */
  conflict: number;
  computedStatus: ClaimStatus;
  /** Why the computed status, in one sentence naming the sources on each side. */
  statusReason: string;
  verdict: Verdict | null;
  publishedStatus: PublishedStatus;
  credibilityRating: CredibilityRating;
  independentCorroborations: number;
  mergedInto: string | null;
  figures: FigureSummary | null;
  clusters: ProvenanceCluster[];
  discounted: DiscountedReport[];
  explanation: string[];
}
