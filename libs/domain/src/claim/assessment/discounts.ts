import type { ReportStance } from '@claims/contracts';
import type { Evidence } from './evidence';
import { round } from './opinion';

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

/** Every report that did not count at face value, with why (docs/assessment.md §6), in report id order. */
export const discountsOf = (evidence: Evidence): DiscountedReport[] => {
  const { weighed, clusters, sources, affiliatedParty } = evidence;
  const weighedById = new Map(weighed.map((entry) => [entry.report.reportId, entry]));
  const clusterById = new Map(clusters.map((cluster) => [cluster.clusterId, cluster]));
  return evidence.reports.flatMap((report): DiscountedReport[] => {
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
    if (!sources.get(report.sourceId)) reasons.push({ code: 'unknown_source' });
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
