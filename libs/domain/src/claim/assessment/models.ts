import type { CredibilityRating, Icd203Band, SourceReliability } from '@claims/contracts';

/**
 * Every number the assessment uses, under one version. A projection row records `modelVersion`, so changing
 * any value here means a new version (and a re-projection), never an edit in place.
 * The reasoning behind each value is in docs/assessment.md.
 */
export interface AssessmentParams {
  modelVersion: string;
  /**
   * Which status rules apply (docs/assessment.md §3): `v1`'s first-match table, or `v2`'s partition, in which
   * credible evidence on both sides is always `contested` or `disputed`.
   */
  statusRules: 'v1' | 'v2';
  /** Evidence one report adds, by the Admiralty grade of its source (for relays: the weakest link). */
  reliabilityWeights: Readonly<Record<SourceReliability, number>>;
  /** Multiplier for a self-interested report (a party to the event speaking about it). */
  selfInterestFactor: number;
  /** Subjective-logic non-informative prior weight W: how much evidence it takes to halve uncertainty. */
  priorWeight: number;
  /** Subjective-logic base rate a: the probability assumed with no evidence at all. */
  baseRate: number;
  /** Minimum non-self-interested support a cluster needs to count as independent corroboration. */
  corroboratingClusterMinWeight: number;
  /** Independent corroborating clusters needed for `corroborated` (and credibility 1). */
  corroboratingClustersRequired: number;
  /** Minimum confidence for `corroborated` (v1 rules only: v2 asks for dominance and no credible dispute instead). */
  corroboratedMinConfidence: number;
  /** A side dominates when its evidence is at least this many times the other side's. */
  dominanceRatio: number;
  /**
   * Minimum disputing evidence for `disputed`; also the weight a non-self-interested disputing cluster needs
   * to be a credible independent dispute (v2).
   */
  disputedMinEvidence: number;
  /** Minimum subjective-logic degree of conflict between the two sides for `contested` when neither dominates. */
  contestedMinConflict: number;
  /** Below this much total evidence the credibility cannot be judged (rating 6). */
  judgeableMinEvidence: number;
  /** Credibility ratings 2–5 by confidence, checked in order; the first `minConfidence` reached wins. */
  credibilityByConfidence: ReadonlyArray<{ rating: Exclude<CredibilityRating, 1 | 6>; minConfidence: number }>;
  /** ICD 203 bands by confidence, checked in order; the first `minConfidence` reached wins. */
  icd203Bands: ReadonlyArray<{ band: Icd203Band; minConfidence: number }>;
}

/** Assessment model v1: kept unchanged, so history and time travel can say what it answered then. */
export const ASSESSMENT_MODEL_V1: AssessmentParams = Object.freeze({
  modelVersion: 'assessment-model-v1',
  statusRules: 'v1',
  reliabilityWeights: Object.freeze({ A: 2, B: 1.5, C: 1, D: 0.5, E: 0.1, F: 0.2 }),
  selfInterestFactor: 0.25,
  priorWeight: 2,
  baseRate: 0.5,
  corroboratingClusterMinWeight: 1,
  corroboratingClustersRequired: 2,
  corroboratedMinConfidence: 0.7,
  dominanceRatio: 2,
  disputedMinEvidence: 1,
  contestedMinConflict: 0.035,
  judgeableMinEvidence: 0.5,
  credibilityByConfidence: Object.freeze([
    { rating: 2, minConfidence: 0.7 },
    { rating: 3, minConfidence: 0.5 },
    { rating: 4, minConfidence: 0.3 },
    { rating: 5, minConfidence: 0 },
  ] as const),
  icd203Bands: Object.freeze([
    { band: 'almost_certain', minConfidence: 0.95 },
    { band: 'very_likely', minConfidence: 0.8 },
    { band: 'likely', minConfidence: 0.55 },
    { band: 'roughly_even_chance', minConfidence: 0.45 },
    { band: 'unlikely', minConfidence: 0.2 },
    { band: 'very_unlikely', minConfidence: 0.05 },
    { band: 'almost_no_chance', minConfidence: 0 },
  ] as const),
});

/**
 * Assessment model v2: v1's weights and opinion, with status rules that partition the evidence without a
 * dead zone: credible independent support and a credible independent dispute are `contested` (or
 * `disputed`), never `unverified` (see docs/assessment.md §3).
 */
export const ASSESSMENT_MODEL_V2: AssessmentParams = Object.freeze({
  ...ASSESSMENT_MODEL_V1,
  modelVersion: 'assessment-model-v2',
  statusRules: 'v2',
});

/** The models a caller can ask for by name (`?model=v1`, `projections what-if --model v2`). */
export const ASSESSMENT_MODELS = Object.freeze({ v1: ASSESSMENT_MODEL_V1, v2: ASSESSMENT_MODEL_V2 });
export type AssessmentModelName = keyof typeof ASSESSMENT_MODELS;
export const ASSESSMENT_MODEL_NAMES = Object.keys(ASSESSMENT_MODELS) as AssessmentModelName[];

/** The model live projections use. */
export const CURRENT_ASSESSMENT_MODEL: AssessmentParams = ASSESSMENT_MODEL_V2;
