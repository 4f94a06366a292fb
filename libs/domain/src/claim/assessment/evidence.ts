import type { SourceReliability } from '@claims/contracts';
import type { SourceCatalogue, SourceSnapshot } from '../../source/source-catalogue';
import { isActive, type ClaimReport, type OnRecordClaim } from '../claim.state';
import type { AssessmentParams } from './models';

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
  /** The cluster holds a non-self-interested dispute of at least `disputedMinEvidence`: a credible independent dispute. */
  disputesCredibly: boolean;
  /** Share of the final opinion this cluster accounts for: support / (R + S + W), dispute / (R + S + W). */
  beliefContribution: number;
  disbeliefContribution: number;
}

/** A report as the evidence counts it: its relay chain, its cluster, its self-interest and its weight. */
export interface WeighedReport {
  report: ClaimReport;
  /** Source ids from the reporting source along its relay chain; the last one is the root. */
  chain: string[];
  root: string;
  clusterId: string;
  selfInterested: boolean;
  weight: number;
}

/** What the reports of a claim amount to, before any opinion is formed. */
export interface Evidence {
  /** Every report, retracted ones included, sorted by report id. */
  reports: ClaimReport[];
  active: ClaimReport[];
  weighed: WeighedReport[];
  clusters: ProvenanceCluster[];
  /** R: the sum of the clusters' support. */
  support: number;
  /** S: the sum of the clusters' dispute. */
  dispute: number;
  /** The snapshot of every source the claim's reports name, looked up once (`undefined`: not in the catalogue). */
  sources: ReadonlyMap<string, SourceSnapshot | undefined>;
  /** The party the source is affiliated with, when that party is an actor of the claim. */
  affiliatedParty: (sourceId: string) => string | undefined;
}

export const byString = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Case-, accent- and spacing-insensitive comparison key for party and group names. */
export const normaliseName = (name: string): string =>
  // NFKD leaves ASCII as it is, and most names are ASCII: only the others pay for decomposition.
  (ASCII.test(name) ? name : name.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
const ASCII = /^[ -~]*$/;

/**
 * The snapshot of every source the claim's reports name (reporting and relayed sources), each asked of the
 * catalogue once: a catalogue may build its snapshot on every `get`, and the rules ask about the same few
 * sources many times. Relay chains only pass through reports of this claim, so nothing else is needed.
 */
const sourcesNamedBy = (reports: readonly ClaimReport[], catalogue: SourceCatalogue): Map<string, SourceSnapshot | undefined> => {
  const sources = new Map<string, SourceSnapshot | undefined>();
  for (const report of reports) {
    for (const sourceId of [report.sourceId, report.relaysSourceId]) {
      if (sourceId !== undefined && !sources.has(sourceId)) sources.set(sourceId, catalogue.get(sourceId));
    }
  }
  return sources;
};

/**
 * Weighs a claim's reports and groups them into provenance clusters (docs/assessment.md §1). Pure and
 * deterministic: reports are sorted first, so the result depends on the set of reports, not their order.
 */
export const evidenceOf = (claim: OnRecordClaim, catalogue: SourceCatalogue, params: AssessmentParams): Evidence => {
  const reports = [...claim.reports].sort((left, right) => byString(left.reportId, right.reportId));
  const sources = sourcesNamedBy(reports, catalogue);
  const active = reports.filter(isActive);
  const activeBySource = new Map<string, ClaimReport>();
  for (const report of active) if (!activeBySource.has(report.sourceId)) activeBySource.set(report.sourceId, report);

  const actorKeys = new Set(
    claim.actors.flatMap((actor) => [actor.name, ...(actor.affiliation ? [actor.affiliation] : [])]).map(normaliseName),
  );
  const reliabilityOf = (sourceId: string): SourceReliability => sources.get(sourceId)?.reliability ?? 'F';
  // Names are normalised once per source here, not on every question the rules ask about it.
  const parties = new Map<string, string | undefined>();
  const originKeys = new Map<string, string | undefined>();
  for (const [sourceId, snapshot] of sources) {
    const affiliation = snapshot?.affiliation;
    parties.set(sourceId, affiliation !== undefined && actorKeys.has(normaliseName(affiliation)) ? affiliation : undefined);
    originKeys.set(sourceId, snapshot?.originGroup !== undefined ? normaliseName(snapshot.originGroup) : undefined);
  }
  const affiliatedParty = (sourceId: string): string | undefined => parties.get(sourceId);

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
    const originKey = originKeys.get(root);
    const clusterId = originKey !== undefined ? `origin:${originKey}` : `source:${root}`;
    return { report, chain: chain.nodes, root, clusterId, selfInterested, weight };
  };

  const weighed = active.map(weigh);
  const clusters = clustersOf(weighed, sources, params);
  return {
    reports,
    active,
    weighed,
    clusters,
    support: sum(clusters.map((cluster) => cluster.support)),
    dispute: sum(clusters.map((cluster) => cluster.dispute)),
    sources,
    affiliatedParty,
  };
};

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

const clustersOf = (
  weighed: readonly WeighedReport[],
  sources: ReadonlyMap<string, SourceSnapshot | undefined>,
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
      const originGroup = sources.get(root)?.originGroup;
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
      cluster.disputesCredibly = disputing.some((entry) => !entry.selfInterested && entry.weight >= params.disputedMinEvidence);
      cluster.beliefContribution = 0;
      cluster.disbeliefContribution = 0;
      return cluster as ProvenanceCluster;
    });
};
