import type { ConfidentialIdentity, SourceResponse } from '@claims/contracts';
import { toSourceSnapshot, type ConfidentialState, type ReliabilityGrading, type RegisteredSource, type SourceSnapshot } from '@claims/domain';
import type { ClaimView } from '../claim-view/claim-view.projection';
import type { ProjectionPoint } from '../projection-point';

export interface SourceView extends SourceSnapshot {
  version: number;
  position: number;
  reliabilityHistory: readonly ReliabilityGrading[];
  registeredAt: string;
  updatedAt: string;
  /** A confidential source: `name` is its pseudonym; the identity stays sealed here, opened only at read time. */
  confidential?: ConfidentialState;
}

/** The source's read model: a pure function of its folded stream. */
export const sourceViewOf = (source: RegisteredSource, at: ProjectionPoint): SourceView => ({
  ...toSourceSnapshot(source),
  version: at.version,
  position: at.position,
  reliabilityHistory: source.reliabilityHistory,
  registeredAt: source.registeredAt,
  updatedAt: at.updatedAt,
  ...(source.confidential ? { confidential: source.confidential } : {}),
});

/** What erased fields read as, everywhere. */
export const ERASED = '[erased]';

/**
 * The pseudonym everyone without `sources:confidential:read` sees: the stored name ("Confidential source 7")
 * with the kind and the current grade, which are in clear anyway.
 */
export const pseudonymOf = (source: Pick<SourceView, 'name' | 'kind' | 'reliability'>): string =>
  `${source.name}, ${source.kind.replace(/_/g, ' ')}, grade ${source.reliability}`;

/**
 * A confidential source's identity as the reader may see it: opened (for a permitted key), withheld, or
 * erased. The read path decides; the projection never holds the clear identity.
 */
export type IdentityReveal = { identity: ConfidentialIdentity } | 'withheld' | 'erased';

/** The API's answer for a source, with the claims it reported on (or was relayed on). */
export const toSourceResponse = (source: SourceView, claims: readonly ClaimView[], reveal: IdentityReveal = 'withheld'): SourceResponse => ({
  id: source.sourceId,
  version: source.version,
  ...identityFields(source, reveal),
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

const identityFields = (source: SourceView, reveal: IdentityReveal): Pick<SourceResponse, 'name' | 'confidential' | 'contactNotes'> => {
  if (!source.confidential) return { name: source.name, confidential: null, contactNotes: null };
  const pseudonym = pseudonymOf(source);
  const confidential = { number: source.confidential.number, pseudonym };
  if (source.confidential.erased || reveal === 'erased') return { name: reveal === 'withheld' ? pseudonym : ERASED, confidential: { ...confidential, identity: 'erased' }, contactNotes: reveal === 'withheld' ? null : ERASED };
  if (reveal === 'withheld') return { name: pseudonym, confidential: { ...confidential, identity: 'withheld' }, contactNotes: null };
  return { name: reveal.identity.name, confidential: { ...confidential, identity: 'shown' }, contactNotes: reveal.identity.contactNotes ?? null };
};
