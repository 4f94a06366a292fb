import { api, ApiProblem, query } from './api';
import { h, replace } from './dom';
import { bandBadge, statusBadge, when, words, workBadge } from './format';
import { followStatusChanges } from './sse';
import type { ClaimSummary, Page, QueueItem } from './types';

const WORK_STATES = ['new', 'in_progress', 'help_needed', 'ready_for_review', 'done', 'on_hold'] as const;
const VIEWS = [
  ['all', 'All claims'],
  ['mine', 'Assigned to me'],
  ['contested', 'Contested and unassigned'],
  ['idle', 'Idle'],
] as const;

export interface QueueFilters {
  view: string;
  workState: string;
  idleDays: string;
  cursor?: string;
}

const deskQuery = (filters: QueueFilters) =>
  query({
    assignee: filters.view === 'mine' ? 'me' : undefined,
    contested: filters.view === 'contested' ? true : undefined,
    unassigned: filters.view === 'contested' ? true : undefined,
    idleDays: filters.view === 'idle' ? filters.idleDays || '7' : undefined,
    workState: filters.workState || undefined,
    cursor: filters.cursor,
    limit: 25,
  });

/** The desk's queue (`GET /desk/queue`), or the plain claim list when this server has no desk. */
const load = async (filters: QueueFilters): Promise<{ items: QueueItem[]; nextCursor: string | null; desk: boolean }> => {
  try {
    const { body } = await api<Page<QueueItem>>(`/desk/queue${deskQuery(filters)}`);
    return { ...body, desk: true };
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.problem.status !== 404 || error.problem.code === 'CLAIM_NOT_FOUND') throw error;
    const { body } = await api<Page<ClaimSummary>>(`/claims${query({ limit: 25, cursor: filters.cursor })}`);
    const items = body.items.map((claim): QueueItem => ({ claimId: claim.id, statement: claim.statement, category: claim.category, status: claim.status, computedStatus: claim.computedStatus, confidence: claim.confidence, band: claim.band, workState: 'new', assignee: null, lastActivityAt: claim.updatedAt }));
    return { items, nextCursor: body.nextCursor, desk: false };
  }
};

export const queuePage = (root: HTMLElement, filters: QueueFilters, signal: AbortSignal): void => {
  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'true', 'data-testid': 'queue-results' }, h('p', { class: 'muted' }, 'Loading the queue…'));
  const navigate = (next: Partial<QueueFilters>) => {
    const merged = { ...filters, ...next };
    location.hash = `#/queue${query({ view: merged.view === 'all' ? undefined : merged.view, workState: merged.workState, idleDays: merged.view === 'idle' ? merged.idleDays : undefined, cursor: merged.cursor })}`;
  };

  const viewSelect = h('select', { id: 'queue-view', name: 'view' }, ...VIEWS.map(([value, label]) => h('option', { value }, label)));
  viewSelect.value = filters.view;
  const stateSelect = h('select', { id: 'queue-work-state', name: 'workState' }, h('option', { value: '' }, 'any'), ...WORK_STATES.map((state) => h('option', { value: state }, words(state))));
  stateSelect.value = filters.workState;
  const idleInput = h('input', { id: 'queue-idle', name: 'idleDays', type: 'number', min: 1, max: 3650, value: filters.idleDays || '7', inputmode: 'numeric' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Queue filters' },
    h('div', { class: 'field' }, h('label', { for: 'queue-view' }, 'Show'), viewSelect),
    h('div', { class: 'field' }, h('label', { for: 'queue-work-state' }, 'Work state'), stateSelect),
    h('div', { class: 'field' }, h('label', { for: 'queue-idle' }, 'Idle for at least (days)'), idleInput),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate({ view: viewSelect.value, workState: stateSelect.value, idleDays: idleInput.value, cursor: undefined });
  });

  replace(root, h('h1', {}, 'Queue'), h('p', { class: 'muted' }, 'Claims the desk is working on, most recently asserted first. Status and confidence update live.'), form, results);

  const render = async () => {
    try {
      const page = await load(filters);
      const table = h(
        'table',
        { class: 'queue', 'data-testid': 'queue-table' },
        h('caption', { class: 'visually-hidden' }, 'Claims in the queue'),
        h('thead', {}, h('tr', {}, ...['Claim', 'Status', 'Confidence', 'Work state', 'Assigned to', 'Last activity'].map((title) => h('th', { scope: 'col' }, title)))),
        h(
          'tbody',
          {},
          ...page.items.map((item) =>
            h(
              'tr',
              { 'data-claim-id': item.claimId },
              h('td', { class: 'claim-cell' }, h('a', { href: `#/claims/${item.claimId}` }, item.statement), h('div', { class: 'muted small' }, words(item.category))),
              h('td', {}, statusBadge(item.status), item.status !== item.computedStatus ? h('div', { class: 'small muted' }, `computed: ${words(item.computedStatus)}`) : null),
              h('td', {}, bandBadge(item.band, item.confidence)),
              h('td', {}, workBadge(item.workState)),
              h('td', {}, item.assignee ? (item.assignee.name ?? item.assignee.keyId.slice(0, 8)) : h('span', { class: 'muted' }, 'unassigned')),
              h('td', { class: 'nowrap' }, when(item.lastActivityAt)),
            ),
          ),
        ),
      );
      replace(
        results,
        page.desk ? null : h('p', { class: 'banner' }, 'This server has no desk workflow: showing the claim list.'),
        page.items.length ? table : h('p', { class: 'empty' }, 'No claim matches these filters.'),
        h('div', { class: 'button-row' }, filters.cursor ? h('a', { href: '#/queue', class: 'toggle' }, 'First page') : null, page.nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: () => navigate({ cursor: page.nextCursor! }) }, 'Next page') : null),
      );
      results.setAttribute('aria-busy', 'false');
    } catch (error) {
      const problem = error instanceof ApiProblem ? error.problem : null;
      replace(results, h('p', { class: 'form-error', role: 'alert' }, problem ? `${problem.title} (${problem.code})${problem.field ? ` — ${problem.field}` : ''}: ${problem.detail ?? ''}` : String(error)));
    }
  };
  void render();
  followStatusChanges({ from: 'now' }, () => void render(), () => undefined, signal);
};
