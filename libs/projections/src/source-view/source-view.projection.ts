import type { SourceResponse } from '@claims/contracts';
import { toSourceSnapshot, type ReliabilityGrading, type RegisteredSource, type SourceSnapshot } from '@claims/domain';
import type { ClaimView } from '../claim-view/claim-view.projection';
import type { ProjectionPoint } from '../projection-point';

export interface SourceView extends SourceSnapshot {
  version: number;
  position: number;
  reliabilityHistory: readonly ReliabilityGrading[];
  registeredAt: string;
  updatedAt: string;
}

/** The source's read model: a pure function of its folded stream. */
export const sourceViewOf = (source: RegisteredSource, at: ProjectionPoint): SourceView => ({
  ...toSourceSnapshot(source),
  version: at.version,
  position: at.position,
  reliabilityHistory: source.reliabilityHistory,
  registeredAt: source.registeredAt,
  updatedAt: at.updatedAt,
});

/** The API's answer for a source, with the claims it reported on (or was relayed on). */
export const toSourceResponse = (source: SourceView, claims: readonly ClaimView[]): SourceResponse => ({
  id: source.sourceId,
  version: source.version,
  name: source.name,
  kind: source.kind,
  affiliation: source.affiliation ?? null,
  originGroup: source.originGroup ?? null,
  reliability: source.reliability,
  gradeHistory: source.reliabilityHistory.map((grading) => ({ ...grading })),
  registeredAt: source.registeredAt,
  updatedAt: source.updatedAt,
  claims: claims.map(({ claim, assessment }) => ({
    claimId: claim.claimId,
    statement: claim.statement,
    status: assessment.publishedStatus,
    computedStatus: assessment.computedStatus,
    confidence: assessment.confidence,
    band: assessment.band,
    credibilityRating: assessment.credibilityRating,
    reports: claim.reports
      .filter((report) => report.sourceId === source.sourceId || report.relaysSourceId === source.sourceId)
      .map((report) => ({
        reportId: report.reportId,
        stance: report.stance,
        active: report.retraction === undefined,
        role: report.sourceId === source.sourceId ? ('reported' as const) : ('relayed' as const),
      })),
  })),
});
