import { s } from './dom';
import { words } from './format';
import type { Claim, DiscountReason, Report, Source } from './types';

/** How the assessment treated one report: the one a cluster counts, discounted (and why), or absorbed. */
export type ReportRole = { kind: 'counted' } | { kind: 'discounted'; reasons: DiscountReason[] } | { kind: 'absorbed' } | { kind: 'excluded' };

/**
 * Reads the assessment contract (docs/assessment.md): a cluster counts one supporting and one disputing
 * report (its strongest); `discounted` names every report weighed down, with its reasons; a retracted
 * report is discounted to weight 0.
 */
export const reportRoles = (claim: Claim): Map<string, ReportRole> => {
  const roles = new Map<string, ReportRole>();
  for (const report of claim.reports) roles.set(report.reportId, { kind: 'excluded' });
  for (const cluster of claim.assessment.clusters) for (const reportId of cluster.reportIds) roles.set(reportId, { kind: 'absorbed' });
  for (const discounted of claim.assessment.discounted) roles.set(discounted.reportId, { kind: 'discounted', reasons: discounted.reasons });
  for (const cluster of claim.assessment.clusters) {
    for (const counted of [cluster.countedSupportReportId, cluster.countedDisputeReportId]) {
      if (!counted) continue;
      const role = roles.get(counted);
      // A counted report may also be discounted (weighed down but still the cluster's voice): keep the reasons.
      if (role?.kind !== 'discounted') roles.set(counted, { kind: 'counted' });
    }
  }
  return roles;
};

export const reasonText = (reason: DiscountReason, sources: Map<string, Source>): string => {
  const name = (id: unknown) => (typeof id === 'string' ? (sources.get(id)?.name ?? id.slice(0, 8)) : '');
  switch (reason.code) {
    case 'relay':
      return `relays ${name(reason.of)}`;
    case 'self_interested':
      return reason.basis === 'affiliation' ? `self-interested (affiliated with ${String(reason.affiliation ?? 'a party')})` : 'self-interested (relays a party)';
    case 'retracted':
      return 'retracted';
    default:
      return words(reason.code);
  }
};

const NODE_W = 210;
const NODE_H = 52;
const COLUMN_GAP = 40;
const ROW_GAP = 22;
const HEADER_H = 46;

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The reports as a provenance graph: one column per provenance cluster (an origin group, or a source
 * independent of the others), one node per report, an arrow from a relay to the source it relays. The
 * node's outline says whether it counts; its second line says why not.
 */
export const provenanceGraph = (claim: Claim, sources: Map<string, Source>): SVGSVGElement => {
  const roles = reportRoles(claim);
  const byId = new Map(claim.reports.map((report) => [report.reportId, report]));
  const columns: { title: string; note: string; reports: Report[] }[] = claim.assessment.clusters.map((cluster) => ({
    title: cluster.originGroup ?? (cluster.basis === 'origin_group' ? cluster.clusterId : sources.get(cluster.sourceIds[0])?.name ?? 'independent source'),
    note: cluster.corroborates ? 'independent corroboration' : cluster.disputesCredibly ? 'credible dispute' : cluster.dispute > 0 ? 'disputes (weak)' : 'not independent corroboration',
    reports: cluster.reportIds.map((id) => byId.get(id)).filter((report): report is Report => Boolean(report)),
  }));
  const excluded = claim.reports.filter((report) => !claim.assessment.clusters.some((cluster) => cluster.reportIds.includes(report.reportId)));
  if (excluded.length) columns.push({ title: 'Not counted', note: 'retracted or outside every cluster', reports: excluded });

  const rows = Math.max(1, ...columns.map((column) => column.reports.length));
  const width = Math.max(1, columns.length) * (NODE_W + COLUMN_GAP) + COLUMN_GAP;
  const height = HEADER_H + rows * (NODE_H + ROW_GAP) + 10;
  const position = new Map<string, { x: number; y: number }>();
  const svg = s('svg', {
    class: 'provenance',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': 'provenance-title',
    'data-testid': 'provenance-graph',
  });
  svg.appendChild(s('title', { id: 'provenance-title' }, `Provenance: ${columns.length} column(s), ${claim.reports.length} report(s); arrows point from a relay to the source it relays.`));
  svg.appendChild(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }))),
  );

  columns.forEach((column, index) => {
    const x = COLUMN_GAP + index * (NODE_W + COLUMN_GAP);
    svg.appendChild(s('text', { x, y: 18, class: 'column-title' }, truncate(column.title, 30)));
    svg.appendChild(s('text', { x, y: 34, class: 'column-note' }, column.note));
    column.reports.forEach((report, row) => {
      const y = HEADER_H + row * (NODE_H + ROW_GAP);
      position.set(report.reportId, { x, y });
      const role = roles.get(report.reportId) ?? { kind: 'excluded' };
      const source = sources.get(report.sourceId);
      const status = report.retraction
        ? 'retracted'
        : role.kind === 'counted'
          ? 'counts'
          : role.kind === 'discounted'
            ? role.reasons.map((reason) => reasonText(reason, sources)).join('; ')
            : role.kind === 'absorbed'
              ? 'same origin: counted once'
              : 'not counted';
      svg.appendChild(
        s(
          'g',
          { class: `node node-${role.kind} stance-${report.stance}${report.retraction ? ' node-retracted' : ''}`, 'data-report-id': report.reportId },
          s('rect', { x, y, width: NODE_W, height: NODE_H, rx: 6 }),
          s('text', { x: x + 10, y: y + 20, class: 'node-name' }, truncate(`${source?.name ?? report.sourceId.slice(0, 8)} (${source?.reliability ?? '?'})`, 30)),
          s('text', { x: x + 10, y: y + 38, class: 'node-note' }, truncate(`${report.stance} · ${status}`, 34)),
          s('title', {}, `${source?.name ?? report.sourceId}: ${report.stance}, ${status}`),
        ),
      );
    });
  });

  // Relay arrows: from the relaying report to the report of the relayed source in the same claim.
  for (const report of claim.reports) {
    if (!report.relaysSourceId) continue;
    const target = claim.reports.find((other) => other.sourceId === report.relaysSourceId && other.reportId !== report.reportId);
    const from = position.get(report.reportId);
    const to = target && position.get(target.reportId);
    if (!from || !to) continue;
    const startX = from.x + NODE_W;
    const startY = from.y + NODE_H / 2;
    const endX = to.x + NODE_W;
    const endY = to.y + NODE_H / 2 + (to.y < from.y ? 6 : -6);
    const bulge = Math.min(COLUMN_GAP - 8, 14 + Math.abs(startY - endY) / 8);
    svg.appendChild(s('path', { class: 'relay', d: `M ${startX} ${startY} C ${startX + bulge} ${startY}, ${endX + bulge} ${endY}, ${endX + 1} ${endY}`, 'marker-end': 'url(#arrow)' }));
  }
  return svg;
};
