import type { Icd203Band } from '@claims/contracts';
import { ASSESSMENT_MODEL_V1, type AssessmentParams } from './models';

/** A subjective-logic binomial opinion about "the claim is true"; belief + disbelief + uncertainty = 1. */
export interface Opinion {
  belief: number;
  disbelief: number;
  uncertainty: number;
  baseRate: number;
}

/** Outputs are rounded to 6 decimals; rounding is monotonic, so the model's properties survive it. */
export const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * The cumulative fusion of the clusters' evidence (R supporting, S disputing) with the non-informative prior
 * (docs/assessment.md §2), and the probability it projects: confidence = belief + baseRate × uncertainty.
 */
export const opinionOf = (support: number, dispute: number, params: AssessmentParams): { opinion: Opinion; confidence: number } => {
  const total = support + dispute + params.priorWeight;
  return {
    opinion: {
      belief: round(support / total),
      disbelief: round(dispute / total),
      uncertainty: round(params.priorWeight / total),
      baseRate: params.baseRate,
    },
    confidence: round((support + params.baseRate * params.priorWeight) / total),
  };
};

/**
 * Subjective-logic degree of conflict (Jøsang, Subjective Logic, 2016: DC = PD × CC) between the opinion
 * formed by the supporting side alone and the one formed by the disputing side alone: projected distance × conjunctive certainty.
 */
export const degreeOfConflict = (support: number, dispute: number, params: AssessmentParams): number => {
  const supportUncertainty = params.priorWeight / (support + params.priorWeight);
  const disputeUncertainty = params.priorWeight / (dispute + params.priorWeight);
  const supportProjection = support / (support + params.priorWeight) + params.baseRate * supportUncertainty;
  const disputeProjection = params.baseRate * disputeUncertainty;
  return Math.abs(supportProjection - disputeProjection) * (1 - supportUncertainty) * (1 - disputeUncertainty);
};

/** The ICD 203 expression of likelihood for a confidence. */
export const icd203BandOf = (confidence: number, params: AssessmentParams = ASSESSMENT_MODEL_V1): Icd203Band =>
  params.icd203Bands.find((entry) => confidence >= entry.minConfidence)?.band ?? 'almost_no_chance';
