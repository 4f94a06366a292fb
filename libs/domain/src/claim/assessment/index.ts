export * from './models';
export { normaliseName, type ProvenanceCluster } from './evidence';
export type { DiscountReason, DiscountedReport } from './discounts';
export { degreeOfConflict, icd203BandOf, opinionOf, type Opinion } from './opinion';
export { credibilityOf, statusOf, type StatusDecision, type StatusFacts, type StatusRule } from './status';
export type { FigureSummary, ReportedFigure } from './figures';
export type { ClaimAssessment } from './claim-assessment';
export { assessClaim } from './assess-claim';
