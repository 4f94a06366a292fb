import type { ClaimStatus, CredibilityRating } from '@claims/contracts';
import type { AssessmentParams } from './models';

/** What the status rules look at: the evidence totals, the opinion, and the independent credible clusters. */
export interface StatusFacts {
  /** Some supporting report is still active (not retracted). */
  hasActiveSupport: boolean;
  /** R: supporting evidence after clustering. */
  support: number;
  /** S: disputing evidence after clustering. */
  dispute: number;
  /** Degree of conflict between the two sides (`degreeOfConflict`). */
  conflict: number;
  confidence: number;
  /** Clusters that corroborate: non-self-interested support of at least `corroboratingClusterMinWeight`. */
  independentCorroborations: number;
  /** Clusters that dispute credibly: a non-self-interested dispute of at least `disputedMinEvidence`. */
  credibleDisputes: number;
}

/** Which rule decided the status: what `statusReason` puts into words. */
export type StatusRule =
  /** retracted: no active supporting report is left. */
  | 'no_active_support'
  /** disputed: S ≥ dominanceRatio × R and S ≥ disputedMinEvidence. */
  | 'dispute_dominates'
  /** corroborated: enough independent corroboration, and (v2) no credible dispute, support dominating. */
  | 'independent_corroboration'
  /** contested (v2): credible independent support meets a credible independent dispute. */
  | 'credible_both_sides'
  /** contested (v2): enough independent corroboration, but the (individually weak) disputes keep support from dominating. */
  | 'corroboration_outweighed'
  /** contested: neither side dominates and they conflict (DC ≥ contestedMinConflict). */
  | 'balanced_conflict'
  /** unverified (v1 only): enough independent corroboration, held below the confidence or dominance thresholds. */
  | 'corroboration_below_threshold'
  /** unverified: not enough independent evidence either way. */
  | 'insufficient_independent_evidence';

export interface StatusDecision {
  status: ClaimStatus;
  rule: StatusRule;
}

const decision = (status: ClaimStatus, rule: StatusRule): StatusDecision => ({ status, rule });

/** A side dominates when its evidence is at least `dominanceRatio` times the other side's. */
const disputeDominates = (facts: StatusFacts, params: AssessmentParams): boolean =>
  facts.dispute >= params.dominanceRatio * facts.support && facts.dispute >= params.disputedMinEvidence;
const supportDominates = (facts: StatusFacts, params: AssessmentParams): boolean =>
  facts.support >= params.dominanceRatio * facts.dispute;
const balancedConflict = (facts: StatusFacts, params: AssessmentParams): boolean =>
  facts.support < params.dominanceRatio * facts.dispute &&
  facts.dispute < params.dominanceRatio * facts.support &&
  facts.conflict >= params.contestedMinConflict;

/** v1's first-match table, unchanged: it leaves credible evidence on both sides `unverified` below 0.7. */
const statusV1 = (facts: StatusFacts, params: AssessmentParams): StatusDecision => {
  if (!facts.hasActiveSupport) return decision('retracted', 'no_active_support');
  const eitherDominates = supportDominates(facts, params) || facts.dispute >= params.dominanceRatio * facts.support;
  if (disputeDominates(facts, params)) return decision('disputed', 'dispute_dominates');
  if (!eitherDominates && facts.conflict >= params.contestedMinConflict) return decision('contested', 'balanced_conflict');
  if (facts.independentCorroborations >= params.corroboratingClustersRequired) {
    return facts.confidence >= params.corroboratedMinConfidence && supportDominates(facts, params)
      ? decision('corroborated', 'independent_corroboration')
      : decision('unverified', 'corroboration_below_threshold');
  }
  return decision('unverified', 'insufficient_independent_evidence');
};

/**
 * v2's partition (docs/assessment.md §3.1): every combination of evidence falls in exactly one status.
 * `unverified` means "not enough independent evidence", never "evidence on both sides": with enough
 * independent corroboration the claim is corroborated, contested or disputed, and credible independent
 * support against a credible independent dispute is contested unless the dispute dominates.
 */
const statusV2 = (facts: StatusFacts, params: AssessmentParams): StatusDecision => {
  if (!facts.hasActiveSupport) return decision('retracted', 'no_active_support');
  if (disputeDominates(facts, params)) return decision('disputed', 'dispute_dominates');
  const enoughSupport = facts.independentCorroborations >= params.corroboratingClustersRequired;
  const credibleDispute = facts.credibleDisputes > 0;
  if (facts.independentCorroborations > 0 && credibleDispute) return decision('contested', 'credible_both_sides');
  if (enoughSupport) {
    return supportDominates(facts, params)
      ? decision('corroborated', 'independent_corroboration')
      : decision('contested', 'corroboration_outweighed');
  }
  if (balancedConflict(facts, params)) return decision('contested', 'balanced_conflict');
  return decision('unverified', 'insufficient_independent_evidence');
};

/** The computed status of a claim, and the rule that gave it, under the model's status rules. */
export const statusOf = (facts: StatusFacts, params: AssessmentParams): StatusDecision =>
  params.statusRules === 'v1' ? statusV1(facts, params) : statusV2(facts, params);

/**
 * The Admiralty credibility rating (docs/assessment.md §4): 1 exactly when corroborated, 6 when the
 * evidence is too thin to judge, else by confidence.
 */
export const credibilityOf = (
  status: ClaimStatus,
  totalEvidence: number,
  confidence: number,
  params: AssessmentParams,
): CredibilityRating => {
  if (status === 'corroborated') return 1;
  if (totalEvidence < params.judgeableMinEvidence) return 6;
  return params.credibilityByConfidence.find((entry) => confidence >= entry.minConfidence)?.rating ?? 5;
};
