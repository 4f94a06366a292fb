import type { SourceCatalogue } from '../../source/source-catalogue';
import type { ClaimAssessment } from './claim-assessment';
import type { ProvenanceCluster } from './evidence';
import type { AssessmentParams } from './models';
import { round } from './opinion';
import type { StatusDecision, StatusFacts } from './status';

const percent = (value: number): string => `${Math.round(value * 100)}%`;
const nameIn = (sources: SourceCatalogue) => (sourceId: string): string => sources.get(sourceId)?.name ?? sourceId;

/** A cluster as an editor knows it: its origin group, or its root source's name. */
const labelOf = (cluster: ProvenanceCluster, nameOf: (sourceId: string) => string): string =>
  cluster.originGroup ?? nameOf(cluster.rootSourceId ?? '');

/**
 * Why the claim has its computed status, in one sentence that names the sources on each side, e.g.
 * "contested: 2 independent credible sources support (AP, Critical Threats), 1 disputes (Jamestown)".
 */
export const statusReasonOf = (
  decision: StatusDecision,
  facts: StatusFacts,
  clusters: readonly ProvenanceCluster[],
  sources: SourceCatalogue,
  params: AssessmentParams,
): string => {
  const nameOf = nameIn(sources);
  const names = (selected: readonly ProvenanceCluster[]): string => selected.map((cluster) => labelOf(cluster, nameOf)).join(', ');
  const corroborating = clusters.filter((cluster) => cluster.corroborates);
  const crediblyDisputing = clusters.filter((cluster) => cluster.disputesCredibly);
  const supporting = clusters.filter((cluster) => cluster.support > 0);
  const disputing = clusters.filter((cluster) => cluster.dispute > 0);
  const R = round(facts.support);
  const S = round(facts.dispute);
  const ratio = `${params.dominanceRatio} to 1`;
  const credibleSupport = (count: number) =>
    `${count} independent credible source${count === 1 ? ' supports' : 's support'} (${names(corroborating)})`;
  const side = (selected: readonly ProvenanceCluster[]) => (selected.length > 0 ? `: ${names(selected)}` : '');

  switch (decision.rule) {
    case 'no_active_support':
      return 'retracted: no active report supports the claim any more';
    case 'dispute_dominates':
      return `disputed: the dispute (S ${S}${side(disputing)}) outweighs the support (R ${R}${side(supporting)}) at least ${ratio}`;
    case 'independent_corroboration':
      return params.statusRules === 'v1'
        ? `corroborated: ${credibleSupport(corroborating.length)}, support outweighs any dispute at least ${ratio} ` +
            `and confidence ${facts.confidence} reaches ${params.corroboratedMinConfidence}`
        : `corroborated: ${credibleSupport(corroborating.length)} and no credible independent source disputes` +
            (S > 0 ? `; the weak dispute (S ${S}${side(disputing)}) is outweighed at least ${ratio}` : '');
    case 'credible_both_sides':
      return (
        `contested: ${credibleSupport(corroborating.length)}, ${crediblyDisputing.length} ` +
        `${crediblyDisputing.length === 1 ? 'disputes' : 'dispute'} (${names(crediblyDisputing)})`
      );
    case 'corroboration_outweighed':
      return `contested: ${credibleSupport(corroborating.length)}, but the disputes (S ${S}${side(disputing)}) keep it from outweighing them ${ratio} (R ${R})`;
    case 'balanced_conflict':
      return (
        `contested: neither side outweighs the other ${ratio} and they conflict (degree of conflict ${facts.conflict} ≥ ` +
        `${params.contestedMinConflict}); support from ${names(supporting)}, dispute from ${names(disputing)}`
      );
    case 'corroboration_below_threshold': {
      const short = [
        ...(facts.confidence < params.corroboratedMinConfidence
          ? [`confidence ${facts.confidence} is below ${params.corroboratedMinConfidence}`]
          : []),
        ...(facts.support < params.dominanceRatio * facts.dispute ? [`support does not outweigh the dispute ${ratio}`] : []),
      ];
      return `unverified: ${credibleSupport(corroborating.length)}, but ${short.join(' and ')}`;
    }
    case 'insufficient_independent_evidence': {
      const support =
        corroborating.length === 0
          ? `no independent credible source supports the claim${supporting.length > 0 ? ` (support from ${names(supporting)} is self-interested or weak)` : ''}`
          : `only ${credibleSupport(corroborating.length)}, ${params.corroboratingClustersRequired} are needed`;
      const dispute =
        disputing.length === 0
          ? ''
          : crediblyDisputing.length > 0
            ? `; the credible dispute (${names(crediblyDisputing)}) does not outweigh the support ${ratio}`
            : `; the dispute (${names(disputing)}) is self-interested or weak`;
      return `unverified: ${support}${dispute}`;
    }
  }
};

/** The assessment in sentences for editors: the opinion, each cluster, each discount, the status. */
export const explanationOf = (assessment: ClaimAssessment, sources: SourceCatalogue, params: AssessmentParams): string[] => {
  const nameOf = nameIn(sources);
  const gradeOf = (sourceId: string): string => sources.get(sourceId)?.reliability ?? 'F (not in catalogue)';
  const { opinion, evidence } = assessment;
  const lines = [
    `${params.modelVersion}: ${assessment.clusters.length} provenance cluster(s); support ${evidence.support}, ` +
      `dispute ${evidence.dispute} → belief ${opinion.belief}, disbelief ${opinion.disbelief}, ` +
      `uncertainty ${opinion.uncertainty}; confidence ${percent(assessment.confidence)} ` +
      `(${assessment.band.replace(/_/g, ' ')}).`,
  ];
  for (const cluster of assessment.clusters) {
    const label =
      cluster.originGroup !== undefined ? `origin group "${cluster.originGroup}"` : nameOf(cluster.rootSourceId ?? '');
    const sides = [
      cluster.support > 0
        ? `supports with ${round(cluster.support)} (${percent(cluster.beliefContribution)} of belief)`
        : '',
      cluster.dispute > 0
        ? `disputes with ${round(cluster.dispute)} (${percent(cluster.disbeliefContribution)} of disbelief)`
        : '',
    ].filter(Boolean);
    const credibleDispute = params.statusRules === 'v2' && cluster.disputesCredibly ? '; a credible independent dispute' : '';
    lines.push(
      `Cluster ${label} [${cluster.sourceIds.map((id) => `${nameOf(id)} (${gradeOf(id)})`).join(', ')}]: ` +
        `${sides.join('; ')}; ` +
        `${cluster.corroborates ? 'counts as independent corroboration' : 'not independent corroboration'}${credibleDispute}.`,
    );
  }
  for (const discounted of assessment.discounted) {
    const why = discounted.reasons.map((reason) => {
      switch (reason.code) {
        case 'relay':
          return reason.via === reason.of
            ? `relay of ${nameOf(reason.of)}`
            : `relay of ${nameOf(reason.of)} via ${nameOf(reason.via)}`;
        case 'same_origin_group':
          return `same origin group as ${nameOf(reason.as)} ("${reason.originGroup}")`;
        case 'same_provenance':
          return `same provenance as report ${reason.countedReportId}`;
        case 'self_interested':
          return reason.basis === 'affiliation'
            ? `self-interested (affiliated with ${reason.affiliation})`
            : reason.basis === 'relayed'
              ? 'self-interested (relays a party to the event)'
              : 'self-interested (declared by an editor)';
        case 'retracted':
          return `retracted (${reason.reason})`;
        case 'unknown_source':
          return 'source not in catalogue, weighed as F';
      }
    });
    lines.push(`Discounted report ${discounted.reportId} by ${nameOf(discounted.sourceId)}: ${why.join('; ')}.`);
  }
  lines.push(
    `Computed status ${assessment.computedStatus} with ${assessment.independentCorroborations} independent ` +
      `corroboration(s) (needs ${params.corroboratingClustersRequired}); credibility ${assessment.credibilityRating}.`,
  );
  // v1's prose is kept as it was; v2 says why in the status's own sentence.
  if (params.statusRules === 'v2') lines.push(`Why ${assessment.statusReason}.`);
  if (assessment.verdict) {
    lines.push(`Published status ${assessment.publishedStatus}: editorial verdict, shown beside the computed status.`);
  }
  if (assessment.figures?.conflicting) {
    lines.push(
      `Reported figures conflict: ranges from ${assessment.figures.low} to ` +
        `${assessment.figures.high ?? 'open-ended'} do not all overlap.`,
    );
  }
  return lines;
};
