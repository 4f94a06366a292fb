import type {
  ClaimStatus,
  CredibilityRating,
  Icd203Band,
  PublishedStatus,
  ReportStance,
  SourceReliability,
  Verdict,
} from '@claims/contracts';
import type { SourceCatalogue, SourceSnapshot } from '../source/source-catalogue';
import { ASSESSMENT_MODEL_V1, type AssessmentParams } from './claim.assessment.params';
import { isActive, type ClaimReport, type OnRecordClaim } from './claim.state';

/** A subjective-logic binomial opinion about "the claim is true"; belief + disbelief + uncertainty = 1. */
export interface Opinion {
  belief: number;
  disbelief: number;
  uncertainty: number;
  baseRate: number;
}

/**
 * One independent provenance: everything that traces back to one root source, or to one origin group.
 * Its reports are not added up: each side counts once, at the weight of its strongest report.
 */
export interface ProvenanceCluster {
  /** `source:<sourceId>` or `origin:<normalised origin group>`. */
  clusterId: string;
  basis: 'source' | 'origin_group';
  rootSourceId?: string;
  originGroup?: string;
  /** Sources of the active reports in the cluster, sorted. */
  sourceIds: string[];
  /** Active reports in the cluster, sorted. */
  reportIds: string[];
  /** Supporting evidence r the cluster adds (0 when it only disputes). */
  support: number;
  /** Disputing evidence s the cluster adds (0 when it only supports). */
  dispute: number;
  /** The report whose weight is the cluster's support / dispute. */
  countedSupportReportId?: string;
  countedDisputeReportId?: string;
  /** The cluster holds non-self-interested support strong enough to count as independent corroboration. */
  corroborates: boolean;
  /** Share of the final opinion this cluster accounts for: support / (R + S + W), dispute / (R + S + W). */
  beliefContribution: number;
  disbeliefContribution: number;
}

export type DiscountReason =
  /** The report cites another source; `of` is the root of the relay chain, whose cluster it joins. */
  | { code: 'relay'; of: string; via: string }
  /** Another report of the same origin group counts for this side instead. */
  | { code: 'same_origin_group'; originGroup: string; as: string; countedReportId: string }
  /** Same provenance, weaker than the report that counts (e.g. two relays of one source). */
  | { code: 'same_provenance'; countedReportId: string }
  /**
   * A party to the event speaking about it: `declared` by an editor, derived from the source's `affiliation`
   * matching an actor, or `relayed` from a self-interested source up the relay chain.
   */
  | { code: 'self_interested'; basis: 'declared' | 'affiliation' | 'relayed'; affiliation?: string }
  | { code: 'retracted'; reason: string }
  /** The source is missing from the catalogue, so it is weighed as reliability F. */
  | { code: 'unknown_source' };

export interface DiscountedReport {
  reportId: string;
  sourceId: string;
  stance: ReportStance;
  /** Evidence the report would add on its own after its discounts (0 when retracted). */
  weight: number;
  reasons: DiscountReason[];
}

export interface ReportedFigure {
  reportId: string;
  sourceId: string;
  stance: ReportStance;
  low?: number;
  best?: number;
  high?: number;
  /** The interval the figure stands for; `upper` null means open-ended ("1,500+"). */
  lower: number;
  upper: number | null;
}

export interface FigureSummary {
  counted?: string;
  unit?: string;
  /** Lowest and highest value any active report gives; `high` null when some report is open-ended. */
  low: number | null;
  high: number | null;
  /** Some two reported intervals do not overlap. */
  conflicting: boolean;
  values: ReportedFigure[];
}

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

const round = (value: number): number => Math.round(value * 1e6) / 1e6;
const byString = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Case-, accent- and spacing-insensitive comparison key for party and group names. */
export const normaliseName = (name: string): string => {
  let key = normalisedNames.get(name);
  if (key === undefined) {
    key = name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .trim();
    // A pure function of a few thousand party and group names: remembered, within a bound.
    if (normalisedNames.size >= 10_000) normalisedNames.clear();
    normalisedNames.set(name, key);
  }
  return key;
};
const normalisedNames = new Map<string, string>();

/**
 * The catalogue as one assessment sees it: each source looked up once (a catalogue may build its snapshot
 * on every `get`, and the rules ask about the same few sources many times).
 */
const memoisedCatalogue = (catalogue: SourceCatalogue): SourceCatalogue => {
  const seen = new Map<string, SourceSnapshot | undefined>();
  return {
    get(sourceId) {
      if (seen.has(sourceId)) return seen.get(sourceId);
      const snapshot = catalogue.get(sourceId);
      seen.set(sourceId, snapshot);
      return snapshot;
    },
  };
};

interface WeighedReport {
  report: ClaimReport;
  /** Source ids from the reporting source along its relay chain; the last one is the root. */
  chain: string[];
  root: string;
  clusterId: string;
  selfInterested: boolean;
  weight: number;
}

/**
 * Assesses a claim from its folded state and the current source catalogue (see docs/assessment.md).
 * Pure and deterministic: reports are sorted before use, so the result depends on the set of events,
 * not on their batching or on insertion order; the catalogue is an input so that re-grading a source
 * re-assesses every claim it reported on.
 */
export const assessClaim = (
  claim: OnRecordClaim,
  sourceCatalogue: SourceCatalogue,
  params: AssessmentParams = ASSESSMENT_MODEL_V1,
): ClaimAssessment => {
  const catalogue = memoisedCatalogue(sourceCatalogue);
  const reports = [...claim.reports].sort((left, right) => byString(left.reportId, right.reportId));
  const active = reports.filter(isActive);
  const activeBySource = new Map<string, ClaimReport>();
  for (const report of active) if (!activeBySource.has(report.sourceId)) activeBySource.set(report.sourceId, report);

  const parties = new Set(
    claim.actors.flatMap((actor) => [actor.name, ...(actor.affiliation ? [actor.affiliation] : [])]).map(normaliseName),
  );
  const reliabilityOf = (sourceId: string): SourceReliability => catalogue.get(sourceId)?.reliability ?? 'F';
  const affiliatedParty = (sourceId: string): string | undefined => {
    const affiliation = catalogue.get(sourceId)?.affiliation;
    return affiliation !== undefined && parties.has(normaliseName(affiliation)) ? affiliation : undefined;
  };

  const weigh = (report: ClaimReport): WeighedReport => {
    const chain = relayChain(report, activeBySource);
    const root = chain.root;
    // Self-interest flows from the root towards the relayer: relaying a party's claim relays its interest.
    // An editor's flag speaks for its own report's source only, so it cannot launder a relayed party's interest.
    let selfInterested = false;
    let weight = Number.POSITIVE_INFINITY;
    for (let index = chain.nodes.length - 1; index >= 0; index -= 1) {
      const sourceId = chain.nodes[index];
      const nodeReport = index === 0 ? report : activeBySource.get(sourceId);
      const ownInterest = nodeReport?.selfInterested ?? affiliatedParty(sourceId) !== undefined;
      selfInterested = ownInterest || selfInterested;
      const nodeWeight =
        params.reliabilityWeights[reliabilityOf(sourceId)] * (selfInterested ? params.selfInterestFactor : 1);
      // A relay is never more credible than what it relays: the chain is as strong as its weakest link.
      weight = Math.min(weight, nodeWeight);
    }
    const originGroup = catalogue.get(root)?.originGroup;
    const clusterId = originGroup !== undefined ? `origin:${normaliseName(originGroup)}` : `source:${root}`;
    return { report, chain: chain.nodes, root, clusterId, selfInterested, weight };
  };

  const weighed = active.map(weigh);
  const clusters = buildClusters(weighed, catalogue, params);
  const support = sum(clusters.map((cluster) => cluster.support));
  const dispute = sum(clusters.map((cluster) => cluster.dispute));
  const total = support + dispute + params.priorWeight;
  const opinion: Opinion = {
    belief: round(support / total),
    disbelief: round(dispute / total),
    uncertainty: round(params.priorWeight / total),
    baseRate: params.baseRate,
  };
  const confidence = round((support + params.baseRate * params.priorWeight) / total);
  const conflict = round(degreeOfConflict(support, dispute, params));
  const independentCorroborations = clusters.filter((cluster) => cluster.corroborates).length;

  const computedStatus = statusOf({
    hasActiveSupport: active.some((report) => report.stance === 'supports'),
    support,
    dispute,
    conflict,
    confidence,
    independentCorroborations,
    params,
  });
  const credibilityRating = credibilityOf(computedStatus, support + dispute, confidence, params);
  const band = icd203BandOf(confidence, params);
  const verdict = claim.verdict?.verdict ?? null;
  for (const cluster of clusters) {
    cluster.beliefContribution = round(cluster.support / total);
    cluster.disbeliefContribution = round(cluster.dispute / total);
  }
  const discounted = discountsOf(reports, weighed, clusters, catalogue, affiliatedParty);

  const assessment: ClaimAssessment = {
    modelVersion: params.modelVersion,
    claimId: claim.claimId,
    confidence,
    band,
    opinion,
    evidence: { support: round(support), dispute: round(dispute) },
    conflict,
    computedStatus,
    verdict,
    publishedStatus: verdict ?? computedStatus,
    credibilityRating,
    independentCorroborations,
    mergedInto: claim.mergedInto ?? null,
    figures: figuresOf(claim, active),
    clusters,
    discounted,
    explanation: [],
  };
  assessment.explanation = explain(assessment, catalogue, params);
  return assessment;
};

/** The ICD 203 expression of likelihood for a confidence. */
export const icd203BandOf = (confidence: number, params: AssessmentParams = ASSESSMENT_MODEL_V1): Icd203Band =>
  params.icd203Bands.find((entry) => confidence >= entry.minConfidence)?.band ?? 'almost_no_chance';

/**
 * Follows "relays" from the report's source through the active reports of the relayed sources.
 * A cycle (A relays B relays A) has no true root; its smallest source id stands in, so every member
 * of the cycle lands in the same cluster whichever report we start from.
 */
const relayChain = (
  report: ClaimReport,
  activeBySource: ReadonlyMap<string, ClaimReport>,
): { nodes: string[]; root: string } => {
  const nodes = [report.sourceId];
  let next = report.relaysSourceId;
  while (next !== undefined) {
    const seenAt = nodes.indexOf(next);
    if (seenAt >= 0) return { nodes, root: [...nodes.slice(seenAt)].sort(byString)[0] };
    nodes.push(next);
    next = activeBySource.get(next)?.relaysSourceId;
  }
  return { nodes, root: nodes[nodes.length - 1] };
};

/** Ties go to the direct report over a relay, then to the smallest report id, so order never matters. */
const stronger = (candidate: WeighedReport, best: WeighedReport): boolean =>
  candidate.weight !== best.weight
    ? candidate.weight > best.weight
    : candidate.chain.length !== best.chain.length
      ? candidate.chain.length < best.chain.length
      : candidate.report.reportId < best.report.reportId;

const strongest = (reports: readonly WeighedReport[]): WeighedReport | undefined =>
  reports.reduce<WeighedReport | undefined>(
    (best, candidate) => (best === undefined || stronger(candidate, best) ? candidate : best),
    undefined,
  );

const buildClusters = (
  weighed: readonly WeighedReport[],
  catalogue: SourceCatalogue,
  params: AssessmentParams,
): ProvenanceCluster[] => {
  const byCluster = new Map<string, WeighedReport[]>();
  for (const entry of weighed) {
    const members = byCluster.get(entry.clusterId);
    if (members) members.push(entry);
    else byCluster.set(entry.clusterId, [entry]);
  }
  return [...byCluster.entries()]
    .sort(([left], [right]) => byString(left, right))
    .map(([clusterId, members]) => {
      const supporting = members.filter((entry) => entry.report.stance === 'supports');
      const disputing = members.filter((entry) => entry.report.stance === 'disputes');
      const countedSupport = strongest(supporting);
      const countedDispute = strongest(disputing);
      const root = members[0].root;
      const originGroup = catalogue.get(root)?.originGroup;
      // Built key by key (same keys, same order as a literal with conditional spreads, which V8 11 builds slowly).
      const cluster: Partial<ProvenanceCluster> = {
        clusterId,
        basis: clusterId.startsWith('origin:') ? 'origin_group' : 'source',
      };
      if (originGroup !== undefined) cluster.originGroup = originGroup;
      else cluster.rootSourceId = root;
      cluster.sourceIds = [...new Set(members.map((entry) => entry.report.sourceId))].sort(byString);
      cluster.reportIds = members.map((entry) => entry.report.reportId).sort(byString);
      cluster.support = countedSupport?.weight ?? 0;
      cluster.dispute = countedDispute?.weight ?? 0;
      if (countedSupport) cluster.countedSupportReportId = countedSupport.report.reportId;
      if (countedDispute) cluster.countedDisputeReportId = countedDispute.report.reportId;
      cluster.corroborates = supporting.some(
        (entry) => !entry.selfInterested && entry.weight >= params.corroboratingClusterMinWeight,
      );
      cluster.beliefContribution = 0;
      cluster.disbeliefContribution = 0;
      return cluster as ProvenanceCluster;
    });
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

const statusOf = (facts: {
  hasActiveSupport: boolean;
  support: number;
  dispute: number;
  conflict: number;
  confidence: number;
  independentCorroborations: number;
  params: AssessmentParams;
}): ClaimStatus => {
  const { support, dispute, params } = facts;
  if (!facts.hasActiveSupport) return 'retracted';
  const supportDominates = support >= params.dominanceRatio * dispute;
  const disputeDominates = dispute >= params.dominanceRatio * support;
  if (disputeDominates && dispute >= params.disputedMinEvidence) return 'disputed';
  if (!supportDominates && !disputeDominates && facts.conflict >= params.contestedMinConflict) return 'contested';
  if (
    facts.independentCorroborations >= params.corroboratingClustersRequired &&
    facts.confidence >= params.corroboratedMinConfidence &&
    supportDominates
  ) {
    return 'corroborated';
  }
  return 'unverified';
};

const credibilityOf = (
  status: ClaimStatus,
  totalEvidence: number,
  confidence: number,
  params: AssessmentParams,
): CredibilityRating => {
  if (status === 'corroborated') return 1;
  if (totalEvidence < params.judgeableMinEvidence) return 6;
  return params.credibilityByConfidence.find((entry) => confidence >= entry.minConfidence)?.rating ?? 5;
};

type FigureInterval = { lower: number; upper: number | null };

const intervalOf = (figure: { low?: number; best?: number; high?: number }): FigureInterval => ({
  lower: figure.low ?? figure.best ?? 0,
  // "At least 1,500" has no upper bound; a lone best or high closes the interval.
  upper: figure.high ?? (figure.low !== undefined ? null : (figure.best ?? null)),
});

const figuresOf = (claim: OnRecordClaim, active: readonly ClaimReport[]): FigureSummary | null => {
  const values: ReportedFigure[] = active.flatMap((report) =>
    report.figure
      ? [
          Object.assign(
            { reportId: report.reportId, sourceId: report.sourceId, stance: report.stance },
            report.figure,
            intervalOf(report.figure),
          ),
        ]
      : [],
  );
  if (!claim.quantity && values.length === 0) return null;
  const uppers = values.map((value) => value.upper ?? Number.POSITIVE_INFINITY);
  const lowers = values.map((value) => value.lower);
  const high = values.length === 0 ? null : Math.max(...uppers);
  const summary: Partial<FigureSummary> = {};
  if (claim.quantity) summary.counted = claim.quantity.counted;
  if (claim.quantity?.unit) summary.unit = claim.quantity.unit;
  summary.low = values.length === 0 ? null : Math.min(...lowers);
  summary.high = high === null || high === Number.POSITIVE_INFINITY ? null : high;
  summary.conflicting = values.length > 1 && Math.max(...lowers) > Math.min(...uppers);
  summary.values = values;
  return summary as FigureSummary;
};

const discountsOf = (
  reports: readonly ClaimReport[],
  weighed: readonly WeighedReport[],
  clusters: readonly ProvenanceCluster[],
  catalogue: SourceCatalogue,
  affiliatedParty: (sourceId: string) => string | undefined,
): DiscountedReport[] => {
  const weighedById = new Map(weighed.map((entry) => [entry.report.reportId, entry]));
  const clusterById = new Map(clusters.map((cluster) => [cluster.clusterId, cluster]));
  return reports.flatMap((report): DiscountedReport[] => {
    const discounted = (weight: number, reasons: DiscountReason[]): DiscountedReport => ({
      reportId: report.reportId,
      sourceId: report.sourceId,
      stance: report.stance,
      weight,
      reasons,
    });
    if (report.retraction) return [discounted(0, [{ code: 'retracted', reason: report.retraction.reason }])];
    const entry = weighedById.get(report.reportId);
    if (!entry) return [];
    const reasons: DiscountReason[] = [];
    if (!catalogue.get(report.sourceId)) reasons.push({ code: 'unknown_source' });
    if (entry.chain.length > 1) reasons.push({ code: 'relay', of: entry.root, via: entry.chain[1] });
    if (entry.selfInterested) {
      const affiliation = affiliatedParty(report.sourceId);
      if (report.selfInterested === true) reasons.push({ code: 'self_interested', basis: 'declared' });
      else if (report.selfInterested === undefined && affiliation !== undefined) {
        reasons.push({ code: 'self_interested', basis: 'affiliation', affiliation });
      } else reasons.push({ code: 'self_interested', basis: 'relayed' });
    }
    const cluster = clusterById.get(entry.clusterId);
    const countedId = report.stance === 'supports' ? cluster?.countedSupportReportId : cluster?.countedDisputeReportId;
    if (countedId !== undefined && countedId !== report.reportId && entry.chain.length === 1) {
      const counted = weighedById.get(countedId);
      reasons.push(
        cluster?.originGroup !== undefined && counted
          ? {
              code: 'same_origin_group',
              originGroup: cluster.originGroup,
              as: counted.report.sourceId,
              countedReportId: countedId,
            }
          : { code: 'same_provenance', countedReportId: countedId },
      );
    }
    return reasons.length === 0 ? [] : [discounted(round(entry.weight), reasons)];
  });
};

const percent = (value: number): string => `${Math.round(value * 100)}%`;

const explain = (assessment: ClaimAssessment, catalogue: SourceCatalogue, params: AssessmentParams): string[] => {
  const nameOf = (sourceId: string): string => catalogue.get(sourceId)?.name ?? sourceId;
  const gradeOf = (sourceId: string): string => catalogue.get(sourceId)?.reliability ?? 'F (not in catalogue)';
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
    lines.push(
      `Cluster ${label} [${cluster.sourceIds.map((id) => `${nameOf(id)} (${gradeOf(id)})`).join(', ')}]: ` +
        `${sides.join('; ')}; ` +
        `${cluster.corroborates ? 'counts as independent corroboration' : 'not independent corroboration'}.`,
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
