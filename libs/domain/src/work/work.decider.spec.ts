import { WorkEvent as WorkEventSchema, WorkState, type WorkEvent } from '@claims/contracts';
import { foldEvents } from '../shared/decider';
import { ClaimMerged, ClaimNotFound } from '../claim/claim.errors';
import { deciderSpecification } from '../testing/decider-specification';
import { checklistTemplateOf, CHECKLIST_TEMPLATES, taskIdOf } from './work.checklist';
import type { WorkClaimFacts, WorkCommand } from './work.commands';
import { workDecider } from './work.decider';
import { AssigneeNotAssignable, CommentIdTaken, ReportNotOnClaim, TaskAlreadyExists, TaskNameWithoutId, TaskNotFound, WorkReviewRequired, WorkStateTransitionRefused } from './work.errors';
import { allowedWorkTransitions, WORK_TRANSITIONS } from './work.transitions';

const given = deciderSpecification(workDecider);
const claimId = 'c-1';
const analyst = { now: '2026-03-01T10:00:00Z', actor: 'key-analyst' };
const recorded = { recordedAt: analyst.now, recordedBy: analyst.actor };
const claim: WorkClaimFacts = { category: 'execution', reportIds: ['r-1', 'r-2'] };
const on = { claimId, claim };

const assigned = (assignee: string, previousAssignee: string | null = null): WorkEvent => ({ type: 'ClaimAssigned', data: { claimId, assignee, previousAssignee, ...recorded } });
const moved = (from: WorkState, to: WorkState): WorkEvent => ({ type: 'WorkStateChanged', data: { claimId, from, to, ...recorded } });
const seeded: WorkEvent = { type: 'ChecklistSeeded', data: { claimId, ...checklistTemplateOf('execution'), ...recorded } };
const ticked = (taskId: string): WorkEvent => ({ type: 'TaskTicked', data: { claimId, taskId, ...recorded } });

/** The events that bring a new claim's work to `state` along allowed moves. */
const pathTo: Record<WorkState, WorkEvent[]> = {
  new: [],
  in_progress: [moved('new', 'in_progress')],
  help_needed: [moved('new', 'in_progress'), moved('in_progress', 'help_needed')],
  ready_for_review: [moved('new', 'in_progress'), moved('in_progress', 'ready_for_review')],
  done: [moved('new', 'in_progress'), moved('in_progress', 'ready_for_review'), moved('ready_for_review', 'done')],
  on_hold: [moved('new', 'on_hold')],
};

const changeState = (to: WorkState, mayReview: boolean, note?: string): WorkCommand => ({
  type: 'ChangeWorkState',
  data: { ...on, to, mayReview, ...(note ? { note } : {}) },
  metadata: analyst,
});

describe('work decider', () => {
  describe('every command needs the claim', () => {
    const commands: WorkCommand[] = [
      { type: 'AssignClaim', data: { claimId, claim: null, assignee: 'k', assigneeStanding: 'assignable' }, metadata: analyst },
      { type: 'UnassignClaim', data: { claimId, claim: null }, metadata: analyst },
      { type: 'ChangeWorkState', data: { claimId, claim: null, to: 'in_progress', mayReview: true }, metadata: analyst },
      { type: 'AddTask', data: { claimId, claim: null, name: 'x' }, metadata: analyst },
      { type: 'SetTask', data: { claimId, claim: null, taskId: 'geolocate', done: true }, metadata: analyst },
      { type: 'PostComment', data: { claimId, claim: null, commentId: 'm', body: 'x' }, metadata: analyst },
    ];
    it.each(commands.map((command) => [command.type, command] as const))('%s on a missing claim → 404', (_type, command) =>
      given([]).when(command).thenThrows(ClaimNotFound, { field: 'claimId', kind: 'not_found' }),
    );
    it.each(commands.map((command) => [command.type, command] as const))('%s on a merged claim → 409 naming where it went', (_type, command) =>
      given([]).when({ ...command, data: { ...command.data, claim: { ...claim, mergedInto: 'claim-b' } } } as WorkCommand).thenThrows(ClaimMerged, { code: 'CLAIM_MERGED', kind: 'conflict', mergedInto: 'claim-b' }),
    );
  });

  describe('assignment', () => {
    const assign = (assignee: string, assigneeStanding: 'assignable' | 'revoked' | 'unknown' | 'expired' | 'cannot_work' = 'assignable'): WorkCommand => ({
      type: 'AssignClaim',
      data: { ...on, assignee, assigneeStanding },
      metadata: analyst,
    });
    it('assigns an unassigned claim', () => given([]).when(assign('k-1')).then([assigned('k-1')]));
    it('reassigns, naming the previous assignee', () => given([assigned('k-1')]).when(assign('k-2')).then([assigned('k-2', 'k-1')]));
    it('assigning the assignee again changes nothing', () => given([assigned('k-1')]).when(assign('k-1')).thenNothingHappens());
    it.each(['revoked', 'unknown', 'expired', 'cannot_work'] as const)('refuses a %s key, naming `assignee`', (standing) =>
      given([]).when(assign('k-9', standing)).thenThrows(AssigneeNotAssignable, { field: 'assignee', kind: 'validation', details: { assignee: 'k-9', reason: standing } }),
    );
    it('unassigns', () =>
      given([assigned('k-1')])
        .when({ type: 'UnassignClaim', data: on, metadata: analyst })
        .then([{ type: 'ClaimUnassigned', data: { claimId, previousAssignee: 'k-1', ...recorded } }]));
    it('unassigning an unassigned claim changes nothing', () => given([]).when({ type: 'UnassignClaim', data: on, metadata: analyst }).thenNothingHappens());
  });

  describe('work states: every pair of states, with and without work:review', () => {
    const pairs = WorkState.options.flatMap((from) => WorkState.options.filter((to) => to !== from).map((to) => [from, to] as const));
    const reviewMoves = [
      ['ready_for_review', 'done'],
      ['done', 'in_progress'],
    ];
    it.each(pairs)('%s → %s', (from, to) => {
      const allowed = WORK_TRANSITIONS[from].includes(to);
      const review = reviewMoves.some(([a, b]) => a === from && b === to);
      if (!allowed) {
        given(pathTo[from]).when(changeState(to, true)).thenThrows(WorkStateTransitionRefused, { code: 'WORK_STATE_TRANSITION_REFUSED', field: 'state', details: { from, to } });
        given(pathTo[from]).when(changeState(to, false)).thenThrows(WorkStateTransitionRefused, { field: 'state' });
        return;
      }
      given(pathTo[from]).when(changeState(to, true)).then([moved(from, to)]);
      if (review) given(pathTo[from]).when(changeState(to, false)).thenThrows(WorkReviewRequired, { kind: 'forbidden', field: 'state', details: { from, to } });
      else given(pathTo[from]).when(changeState(to, false)).then([moved(from, to)]);
    });

    it('keeps the note', () =>
      given([]).when(changeState('on_hold', false, 'waiting for the video')).then([{ type: 'WorkStateChanged', data: { claimId, from: 'new', to: 'on_hold', note: 'waiting for the video', ...recorded } }]));
    it('moving to the current state changes nothing', () => given(pathTo.in_progress).when(changeState('in_progress', false)).thenNothingHappens());
    it('lists the moves a role may make', () => {
      expect(allowedWorkTransitions('ready_for_review', false)).toEqual(['in_progress']);
      expect(allowedWorkTransitions('ready_for_review', true)).toEqual(['done', 'in_progress']);
      expect(allowedWorkTransitions('done', false)).toEqual([]);
      expect(allowedWorkTransitions('new', false)).toEqual(['in_progress', 'on_hold']);
    });
  });

  describe('checklist', () => {
    const setTask = (taskId: string, done: boolean): WorkCommand => ({ type: 'SetTask', data: { ...on, taskId, done }, metadata: analyst });
    const addTask = (name: string): WorkCommand => ({ type: 'AddTask', data: { ...on, name }, metadata: analyst });

    it('ids are slugs of names', () => {
      expect(['find the original source', 'Check the Date', '  Géolocate!  ', 'a--b'].map(taskIdOf)).toEqual(['find-the-original-source', 'check-the-date', 'geolocate', 'a-b']);
    });
    it('every template holds the default items that apply, and varies by category', () => {
      expect(CHECKLIST_TEMPLATES.default).toEqual(['find the original source', 'geolocate', 'check the date', 'archive the evidence', 'contact a second source']);
      expect(checklistTemplateOf('execution').items.map((item) => item.taskId)).toContain('identify-the-victims');
      expect(checklistTemplateOf('casualty_figure').items.map((item) => item.taskId)).toEqual([
        'find-the-original-source',
        'check-the-date',
        'reconcile-the-figures',
        'archive-the-evidence',
        'contact-a-second-source',
      ]);
    });
    it('the first tick seeds the checklist from the template, then ticks', () => given([]).when(setTask('geolocate', true)).then([seeded, ticked('geolocate')]));
    it('a tick on a seeded checklist does not seed again', () => given([seeded]).when(setTask('geolocate', true)).then([ticked('geolocate')]));
    it('unticks', () => given([seeded, ticked('geolocate')]).when(setTask('geolocate', false)).then([{ type: 'TaskUnticked', data: { claimId, taskId: 'geolocate', ...recorded } }]));
    it('ticking a ticked task, or unticking an unticked one, writes nothing (not even the seeding)', () => {
      given([seeded, ticked('geolocate')]).when(setTask('geolocate', true)).thenNothingHappens();
      given([]).when(setTask('geolocate', false)).thenNothingHappens();
    });
    it('refuses an unknown task', () => given([]).when(setTask('fly-a-drone', true)).thenThrows(TaskNotFound, { field: 'taskId', kind: 'not_found' }));
    it('adds a task (seeding first)', () =>
      given([]).when(addTask('Fly a drone')).then([seeded, { type: 'TaskAdded', data: { claimId, taskId: 'fly-a-drone', name: 'Fly a drone', ...recorded } }]));
    it('refuses a task whose slug is taken', () => given([seeded]).when(addTask('Geolocate')).thenThrows(TaskAlreadyExists, { field: 'name', kind: 'conflict' }));
    it('refuses a name without a latin letter or digit', () => given([seeded]).when(addTask('دقق')).thenThrows(TaskNameWithoutId, { field: 'name', kind: 'validation' }));
    it('folds who ticked what, and clears it when unticked', () => {
      const state = foldEvents(workDecider, [seeded, ticked('geolocate')]);
      expect(state.tasks.find((task) => task.taskId === 'geolocate')).toEqual({ taskId: 'geolocate', name: 'geolocate', done: true, doneBy: analyst.actor, doneAt: analyst.now });
      const unticked = foldEvents(workDecider, [seeded, ticked('geolocate'), { type: 'TaskUnticked', data: { claimId, taskId: 'geolocate', ...recorded } }]);
      expect(unticked.tasks.find((task) => task.taskId === 'geolocate')).toEqual({ taskId: 'geolocate', name: 'geolocate', done: false });
    });
  });

  describe('comments', () => {
    const post = (commentId: string, body: string, reportId?: string): WorkCommand => ({
      type: 'PostComment',
      data: { ...on, commentId, body, ...(reportId ? { reportId } : {}) },
      metadata: analyst,
    });
    const posted = (commentId: string, body: string, reportId?: string): WorkEvent => ({ type: 'CommentPosted', data: { claimId, commentId, body, ...(reportId ? { reportId } : {}), ...recorded } });
    it('posts a comment on the claim', () => given([]).when(post('m-1', '**Geolocated** <script>x</script>')).then([posted('m-1', '**Geolocated** <script>x</script>')]));
    it('posts a comment on a report of the claim', () => given([]).when(post('m-1', 'dated', 'r-2')).then([posted('m-1', 'dated', 'r-2')]));
    it('refuses a report of another claim, naming `reportId`', () => given([]).when(post('m-1', 'x', 'r-9')).thenThrows(ReportNotOnClaim, { field: 'reportId', kind: 'validation' }));
    it('recognises a retried post by its id and content', () => given([posted('m-1', 'x')]).when(post('m-1', 'x')).thenNothingHappens());
    it('refuses another comment under a used id', () => given([posted('m-1', 'x')]).when(post('m-1', 'y')).thenThrows(CommentIdTaken, { kind: 'conflict' }));
  });

  it('every event it decides is valid by the contract schema', () => {
    const events = [
      ...workDecider.decide({ type: 'SetTask', data: { ...on, taskId: 'geolocate', done: true }, metadata: analyst }, workDecider.initialState()),
      ...workDecider.decide(changeState('on_hold', false, 'n'), workDecider.initialState()),
      ...workDecider.decide({ type: 'AssignClaim', data: { ...on, assignee: 'k', assigneeStanding: 'assignable' }, metadata: analyst }, workDecider.initialState()),
      ...workDecider.decide({ type: 'PostComment', data: { ...on, commentId: 'm', body: 'b', reportId: 'r-1' }, metadata: analyst }, workDecider.initialState()),
    ];
    for (const event of events) expect(WorkEventSchema.parse(event)).toEqual(event);
  });
});
