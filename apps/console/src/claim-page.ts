import { api, query } from './api';
import { announce, h, replace } from './dom';
import { buildForm } from './forms';
import { bandBadge, credibilityLabel, day, percent, reliabilityLabel, statusBadge, time, when, words } from './format';
import { provenanceGraph, reasonText, reportRoles } from './provenance';
import { followStatusChanges, type StatusChange, type StreamState } from './sse';
import { confidenceTimeline, type Clock } from './timeline';
import type { Claim, History, HistoryEntry, Source } from './types';
import { workPanel } from './work';

const SOURCE_KINDS = ['news_outlet', 'wire_agency', 'research_organisation', 'ngo', 'government_or_military', 'armed_group_media', 'social_media_account', 'local_contact', 'other'] as const;
const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
const VERDICTS = ['confirmed', 'false', 'misleading', 'unverifiable'] as const;

/** Where in time the page looks: now, or a point of the history (the API's time-travel parameters). */
export interface PointInTime {
  asOf?: string;
  atVersion?: string;
  asReportedOn?: string;
}

const card = (heading: string, id: string, ...children: (Node | null)[]) => h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, heading), ...children);

const foldable = (title: string, form: HTMLFormElement, open = false) => h('details', { class: 'foldable', open }, h('summary', {}, title), form);

const loadSources = async (claim: Claim): Promise<Map<string, Source>> => {
  const ids = [...new Set(claim.reports.flatMap((report) => [report.sourceId, report.relaysSourceId].filter((id): id is string => Boolean(id))))];
  const sources = await Promise.all(ids.map((id) => api<Source>(`/sources/${id}`).then((answer) => answer.body).catch(() => null)));
  return new Map(sources.filter((source): source is Source => source !== null).map((source) => [source.id, source]));
};

/** The claim page: status and why, timeline, provenance, evidence, the team's forms and desk work, live. */
export const claimPage = (root: HTMLElement, claimId: string, pointInTime: PointInTime, clock: Clock, signal: AbortSignal): void => {
  const base = `/claims/${encodeURIComponent(claimId)}`;
  const historical = Boolean(pointInTime.asOf || pointInTime.atVersion || pointInTime.asReportedOn);
  const summary = h('div', { 'data-testid': 'claim-summary' }, h('p', { class: 'muted' }, 'Loading the claim…'));
  const timelineBox = h('div', { 'data-testid': 'timeline' }, h('p', { class: 'muted' }, 'Loading the history…'));
  const details = h('div', { class: 'claim-details' });
  const liveLog = h('ol', { class: 'live-log', 'data-testid': 'live-log', 'aria-label': 'Status changes received' });
  const liveState = h('span', { class: 'live-state', 'data-testid': 'live-state' }, historical ? 'paused (viewing the past)' : 'connecting');

  const hashFor = (entry: HistoryEntry): string => {
    const at = clock === 'reported' && entry.reportedAt ? { asReportedOn: entry.reportedAt } : entry.kind === 'claim_event' && entry.claimVersion ? { atVersion: entry.claimVersion } : { asOf: entry.recordedAt };
    return `#/claims/${claimId}${query({ ...at, clock: clock === 'reported' ? 'reported' : undefined })}`;
  };

  const renderClaim = async () => {
    const { body: claim } = await api<Claim>(`${base}${query({ ...pointInTime })}`);
    const sources = await loadSources(claim);
    const a = claim.assessment;
    replace(
      summary,
      h('h1', { class: 'statement', 'data-testid': 'statement' }, claim.statement),
      h('p', { class: 'meta' }, `${words(claim.category)} · ${claim.location?.placeName ? `${claim.location.placeName}, ` : ''}${claim.country} · version ${claim.version} · updated ${when(claim.updatedAt)}`),
      historical
        ? h(
            'div',
            { class: 'banner', role: 'note', 'data-testid': 'point-in-time' },
            h('strong', {}, 'Time travel: '),
            pointInTime.asReportedOn ? `as the reporting stood on ${when(pointInTime.asReportedOn)}` : pointInTime.atVersion ? `as of claim version ${pointInTime.atVersion}` : `as of ${when(pointInTime.asOf)}`,
            ', recomputed from the log. ',
            h('a', { href: `#/claims/${claimId}${clock === 'reported' ? '?clock=reported' : ''}` }, 'Back to now'),
          )
        : null,
      h(
        'dl',
        { class: 'status-grid' },
        h('div', {}, h('dt', {}, 'Published status'), h('dd', { 'data-testid': 'published-status' }, statusBadge(claim.status))),
        h('div', {}, h('dt', {}, 'Computed status'), h('dd', { 'data-testid': 'computed-status' }, statusBadge(claim.computedStatus))),
        h('div', {}, h('dt', {}, 'Confidence (ICD 203)'), h('dd', { 'data-testid': 'confidence' }, bandBadge(claim.band, claim.confidence))),
        h('div', {}, h('dt', {}, 'Credibility (Admiralty)'), h('dd', { 'data-testid': 'credibility' }, credibilityLabel(claim.credibilityRating))),
        h('div', {}, h('dt', {}, 'Independent corroborations'), h('dd', {}, String(a.independentCorroborations ?? '—'))),
        h('div', {}, h('dt', {}, 'Verdict'), h('dd', {}, claim.verdictDetails ? `${claim.verdictDetails.verdict}: ${claim.verdictDetails.rationale}` : 'none')),
      ),
      a.statusReason ? h('p', { class: 'status-reason', 'data-testid': 'status-reason' }, h('strong', {}, 'Why: '), a.statusReason) : null,
    );

    const roles = reportRoles(claim);
    const reportRows = claim.reports.map((report) => {
      const source = sources.get(report.sourceId);
      const role = roles.get(report.reportId);
      const treatment = report.retraction
        ? `retracted: ${report.retraction.reason}`
        : role?.kind === 'counted'
          ? 'counts'
          : role?.kind === 'discounted'
            ? role.reasons.map((reason) => reasonText(reason, sources)).join('; ')
            : role?.kind === 'absorbed'
              ? 'same origin as a counted report'
              : 'not counted';
      const retract = historical || report.retraction ? null : retractControl(report.reportId);
      return h(
        'tr',
        { 'data-report-id': report.reportId },
        h('td', {}, h('strong', {}, source?.name ?? report.sourceId.slice(0, 8)), h('div', { class: 'muted small' }, source ? `${reliabilityLabel(source.reliability)}${source.originGroup ? ` · origin: ${source.originGroup}` : ''}` : '')),
        h('td', {}, statusBadge(report.stance === 'supports' ? 'supports' : 'disputes'), report.disputeReason ? h('div', { class: 'small' }, report.disputeReason) : null),
        h('td', {}, report.relaysSourceId ? `relays ${sources.get(report.relaysSourceId)?.name ?? report.relaysSourceId.slice(0, 8)}` : 'first hand'),
        h('td', {}, day(report.publishedAt)),
        h('td', { class: role?.kind === 'counted' ? 'counts' : 'discounted' }, treatment),
        h('td', {}, h('blockquote', {}, report.quote), h('a', { href: report.url, rel: 'noopener noreferrer', target: '_blank' }, 'open the report'), retract),
      );
    });

    const figures = a.figures
      ? card(
          'Figures',
          'figures-heading',
          h('p', {}, `${a.figures.counted ?? 'count'}${a.figures.unit ? ` (${a.figures.unit})` : ''}: low ${a.figures.low ?? '—'}, high ${a.figures.high ?? '—'}${a.figures.conflicting ? ' · the reports conflict' : ''}`),
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'Stance'), h('th', { scope: 'col' }, 'Low'), h('th', { scope: 'col' }, 'Best'), h('th', { scope: 'col' }, 'High'))),
            h('tbody', {}, ...a.figures.values.map((value) => h('tr', {}, h('td', {}, sources.get(value.sourceId)?.name ?? value.sourceId.slice(0, 8)), h('td', {}, value.stance), h('td', {}, String(value.low ?? '—')), h('td', {}, String(value.best ?? '—')), h('td', {}, String(value.high ?? '—'))))),
          ),
        )
      : null;

    replace(
      details,
      card('Explanation', 'explanation-heading', h('ol', { class: 'explanation', 'data-testid': 'explanation' }, ...a.explanation.map((line) => h('li', {}, line))), h('p', { class: 'muted small' }, `Model ${a.modelVersion}`)),
      card(
        'Provenance',
        'provenance-heading',
        h('p', { class: 'muted' }, 'One column per provenance cluster: reports from one origin count once. Solid outline: counts; dashed: discounted, with the reason; arrows: a relay to the source it relays.'),
        h('div', { class: 'scroll-x', tabindex: 0, role: 'region', 'aria-label': 'Provenance graph' }, provenanceGraph(claim, sources)),
        h(
          'table',
          { class: 'reports', 'data-testid': 'reports' },
          h('caption', { class: 'visually-hidden' }, 'Reports on this claim'),
          h('thead', {}, h('tr', {}, ...['Source and grade', 'Stance', 'Relay', 'Published', 'How it counts', 'Quote'].map((title) => h('th', { scope: 'col' }, title)))),
          h('tbody', {}, ...reportRows),
        ),
      ),
      figures,
      card(
        'Evidence',
        'evidence-heading',
        claim.evidence.length
          ? h(
              'table',
              { 'data-testid': 'evidence' },
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Archived copy'), h('th', { scope: 'col' }, 'SHA-256'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Attached'))),
              h('tbody', {}, ...claim.evidence.map((item) => h('tr', {}, h('td', {}, h('a', { href: item.url, rel: 'noopener noreferrer', target: '_blank' }, item.url)), h('td', {}, h('code', { class: 'hash' }, item.sha256)), h('td', {}, item.mediaType), h('td', {}, time(item.recordedAt))))),
            )
          : h('p', { class: 'muted' }, 'No evidence attached yet.'),
      ),
      historical
        ? null
        : card('Log the team’s work', 'forms-heading', foldable('Add a supporting or disputing report', addReportForm(sources), true), foldable('Attach evidence', attachEvidenceForm(claim)), foldable('Verdict (editors)', verdictForm())),
    );
  };

  const retractControl = (reportId: string): HTMLElement => {
    const details = h('details', { class: 'retract' }, h('summary', {}, 'Retract…'));
    details.appendChild(
      buildForm({
        id: `retract-${reportId.slice(0, 8)}`,
        fields: [{ name: 'reason', label: 'Why the source withdrew it', required: true }],
        submit: 'Retract the report',
        onSubmit: async ({ reason }) => {
          await api(`${base}/reports/${reportId}/retraction`, { method: 'POST', body: { reason } });
          await renderClaim();
        },
      }),
    );
    return details;
  };

  const addReportForm = (sources: Map<string, Source>) =>
    buildForm({
      id: 'add-report-form',
      fields: [
        { name: 'stance', label: 'Stance', type: 'select', required: true, options: [['supports', 'supports the claim'], ['disputes', 'disputes the claim']] },
        { name: 'reason', label: 'Why it disputes the claim', hint: 'Required for a dispute.' },
        {
          name: 'report.sourceId',
          label: 'Source',
          type: 'select',
          required: true,
          options: [['new', 'A new source (register it below)'], ...[...sources.values()].map((source) => [source.id, `${source.name} (${source.reliability})`] as const)],
          aliases: ['report'],
        },
        { name: 'source.name', label: 'New source: name', aliases: ['name'] },
        { name: 'source.kind', label: 'New source: kind', type: 'select', options: SOURCE_KINDS.map((kind) => [kind, words(kind)] as const), value: 'news_outlet', aliases: ['kind'] },
        { name: 'source.reliability', label: 'New source: reliability (Admiralty)', type: 'select', options: GRADES.map((grade) => [grade, reliabilityLabel(grade)] as const), value: 'F', aliases: ['reliability'] },
        { name: 'report.publishedAt', label: 'Published at', required: true, hint: 'An instant, e.g. 2023-10-24T10:00:00Z.' },
        { name: 'report.url', label: 'URL of the report', type: 'url', required: true },
        { name: 'report.quote', label: 'Quote', type: 'textarea', required: true },
      ],
      submit: 'Add the report',
      onSubmit: async (values) => {
        let sourceId = values['report.sourceId'];
        if (sourceId === 'new') {
          const { body } = await api<Source>('/sources', { method: 'POST', body: { name: values['source.name'], kind: values['source.kind'], reliability: values['source.reliability'] } });
          sourceId = body.id;
        }
        const report = { sourceId, publishedAt: values['report.publishedAt'], url: values['report.url'], quote: values['report.quote'] };
        await api(`${base}/reports`, { method: 'POST', body: values.stance === 'disputes' ? { stance: 'disputes', reason: values.reason, report } : { stance: 'supports', report } });
        await renderClaim();
      },
    });

  const attachEvidenceForm = (claim: Claim) =>
    buildForm({
      id: 'evidence-form',
      fields: [
        { name: 'url', label: 'URL of the archived copy', type: 'url', required: true },
        { name: 'sha256', label: 'SHA-256 of the archived copy', required: true, hint: '64 lowercase hex characters.' },
        { name: 'mediaType', label: 'Media type', required: true, value: 'text/html' },
        { name: 'reportId', label: 'Backs the report', type: 'select', options: [['', 'none'], ...claim.reports.map((report) => [report.reportId, `${report.reportId.slice(0, 8)} · ${report.quote.slice(0, 40)}`] as const)] },
      ],
      submit: 'Attach',
      onSubmit: async (values) => {
        await api(`${base}/evidence`, { method: 'POST', body: { url: values.url, sha256: values.sha256, mediaType: values.mediaType, ...(values.reportId ? { reportId: values.reportId } : {}) } });
        await renderClaim();
      },
    });

  const verdictForm = () =>
    buildForm({
      id: 'verdict-form',
      fields: [
        { name: 'verdict', label: 'Verdict', type: 'select', required: true, options: VERDICTS.map((verdict) => [verdict, verdict] as const) },
        { name: 'rationale', label: 'Rationale', type: 'textarea', required: true },
      ],
      submit: 'Issue the verdict',
      onSubmit: async (values) => {
        await api(`${base}/verdict`, { method: 'PUT', body: { verdict: values.verdict, rationale: values.rationale } });
        await renderClaim();
      },
    });

  const renderTimeline = async () => {
    let history: History;
    let reportedClock = true;
    try {
      history = (await api<History>(`${base}/history${clock === 'reported' ? '?order=reported' : ''}`)).body;
    } catch (error) {
      if (clock === 'reported') reportedClock = false;
      try {
        history = (await api<History>(`${base}/history`)).body;
      } catch {
        replace(timelineBox, h('p', { class: 'muted' }, `The history is not readable with this key (${String(error instanceof Error ? error.message : error)}).`));
        return;
      }
    }
    const width = Math.max(320, Math.min(900, timelineBox.clientWidth || 760));
    const toggle = h(
      'div',
      { class: 'button-row', role: 'group', 'aria-label': 'Time axis' },
      h('a', { class: `toggle${clock === 'recorded' ? ' active' : ''}`, href: `#/claims/${claimId}`, 'aria-current': clock === 'recorded' ? 'true' : null }, 'Recorded time'),
      reportedClock ? h('a', { class: `toggle${clock === 'reported' ? ' active' : ''}`, href: `#/claims/${claimId}?clock=reported`, 'aria-current': clock === 'reported' ? 'true' : null, 'data-testid': 'clock-reported' }, 'Reporting time') : null,
    );
    replace(timelineBox, toggle, confidenceTimeline(history.entries, clock, (entry) => (location.hash = hashFor(entry)), width));
  };

  const onChange = (change: StatusChange) => {
    const line = `${when(change.occurredAt)}: ${change.previous ? words(change.previous.status) : 'new'} → ${words(change.current.status)}, ${percent(change.current.confidence)} (${change.cause.eventType})`;
    liveLog.prepend(h('li', { 'data-status': change.current.status }, line));
    announce(`Status changed: ${line}`);
    void renderClaim();
    void renderTimeline();
  };

  replace(
    root,
    h('p', {}, h('a', { href: '#/queue' }, '← Queue')),
    summary,
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'main-column' },
        card('Confidence timeline', 'timeline-heading', h('p', { class: 'muted' }, 'Confidence after each event of the claim and each source change that moved it. Pick a point to see the claim as of then.'), timelineBox),
        details,
      ),
      h(
        'aside',
        { class: 'side-column' },
        card('Live', 'live-heading', h('p', {}, 'Status stream: ', liveState), liveLog),
        historical ? null : workPanel(claimId),
      ),
    ),
  );

  const states: Record<StreamState, string> = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', unavailable: 'not available with this key' };
  renderClaim().catch((error: unknown) => replace(summary, h('p', { class: 'form-error', role: 'alert' }, `Could not load the claim: ${String(error instanceof Error ? error.message : error)}`)));
  void renderTimeline();
  if (!historical) followStatusChanges({ claim: claimId, from: 'now' }, onChange, (state) => (liveState.textContent = states[state]), signal);
};
