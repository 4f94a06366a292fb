import type { SourceCatalogue } from '../../source/source-catalogue';
import type { OnRecordClaim } from '../claim.state';
import type { ClaimAssessment } from './claim-assessment';
import { discountsOf } from './discounts';
import { evidenceOf } from './evidence';
import { explanationOf, statusReasonOf } from './explanation';
import { figuresOf } from './figures';
import { ASSESSMENT_MODEL_V1, type AssessmentParams } from './models';
import { degreeOfConflict, icd203BandOf, opinionOf, round } from './opinion';
import { credibilityOf, statusOf, type StatusFacts } from './status';

/**
 * Assesses a claim from its folded state and the current source catalogue (see docs/assessment.md).
 * Pure and deterministic: reports are sorted before use, so the result depends on the set of events,
 * not on their batching or on insertion order; the catalogue is an input so that re-grading a source
 * re-assesses every claim it reported on. `params` picks the model: every model stays callable, so history
 * and time travel can say what a model answered then.
 */
export const assessClaim = (
  claim: OnRecordClaim,
  catalogue: SourceCatalogue,
  params: AssessmentParams = ASSESSMENT_MODEL_V1,
): ClaimAssessment => {
  const evidence = evidenceOf(claim, catalogue, params);
  const { support, dispute, clusters } = evidence;
  const { opinion, confidence } = opinionOf(support, dispute, params);
  const facts: StatusFacts = {
    hasActiveSupport: evidence.active.some((report) => report.stance === 'supports'),
    support,
    dispute,
    conflict: round(degreeOfConflict(support, dispute, params)),
    confidence,
    independentCorroborations: clusters.filter((cluster) => cluster.corroborates).length,
    credibleDisputes: clusters.filter((cluster) => cluster.disputesCredibly).length,
  };
  const decision = statusOf(facts, params);
  const total = support + dispute + params.priorWeight;
  for (const cluster of clusters) {
    cluster.beliefContribution = round(cluster.support / total);
    cluster.disbeliefContribution = round(cluster.dispute / total);
  }
  const verdict = claim.verdict?.verdict ?? null;

  const assessment: ClaimAssessment = {
    modelVersion: params.modelVersion,
    claimId: claim.claimId,
    confidence,
    band: icd203BandOf(confidence, params),
    opinion,
    evidence: { support: round(support), dispute: round(dispute) },
    conflict: facts.conflict,
    computedStatus: decision.status,
    statusReason: statusReasonOf(decision, facts, clusters, evidence.sources, params),
    verdict,
    publishedStatus: verdict ?? decision.status,
    credibilityRating: credibilityOf(decision.status, support + dispute, confidence, params),
    independentCorroborations: facts.independentCorroborations,
    mergedInto: claim.mergedInto ?? null,
    figures: figuresOf(claim, evidence.active),
    clusters,
    discounted: discountsOf(evidence),
    explanation: [],
  };
  assessment.explanation = explanationOf(assessment, evidence.sources, params);
  return assessment;
};
