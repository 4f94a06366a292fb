import type { WorkEvent } from '@claims/contracts';
import { ClaimMerged, ClaimNotFound } from '../claim/claim.errors';
import { assertNever, type CommandMetadata, type Decider } from '../shared/decider';
import { checklistTemplateOf, taskIdOf } from './work.checklist';
import type { AddTask, AssignClaim, ChangeWorkState, PostComment, SetTask, WorkClaimFacts, WorkCommand } from './work.commands';
import { AssigneeNotAssignable, CommentIdTaken, ReportNotOnClaim, TaskAlreadyExists, TaskNameWithoutId, TaskNotFound, WorkReviewRequired, WorkStateTransitionRefused } from './work.errors';
import { evolveWork, initialWorkState, type WorkStreamState, type WorkTaskState } from './work.state';
import { allowedWorkTransitions, isReviewMove, WORK_TRANSITIONS } from './work.transitions';

const recorded = (metadata: CommandMetadata) => ({ recordedAt: metadata.now, recordedBy: metadata.actor });

const existingClaim = (command: WorkCommand): WorkClaimFacts => {
  if (!command.data.claim) throw new ClaimNotFound(command.data.claimId);
  // As for every other change to a merged claim: the queue leaves it out, so work on it would be lost from sight.
  if (command.data.claim.mergedInto) throw new ClaimMerged(command.data.claimId, command.data.claim.mergedInto);
  return command.data.claim;
};

const decideAssign = (command: AssignClaim, state: WorkStreamState): WorkEvent[] => {
  existingClaim(command);
  const { claimId, assignee, assigneeStanding } = command.data;
  if (assigneeStanding !== 'assignable') throw new AssigneeNotAssignable(assignee, assigneeStanding);
  if (state.assignee === assignee) return [];
  return [{ type: 'ClaimAssigned', data: { claimId, assignee, previousAssignee: state.assignee, ...recorded(command.metadata) } }];
};

const decideChangeWorkState = (command: ChangeWorkState, state: WorkStreamState): WorkEvent[] => {
  existingClaim(command);
  const { claimId, to, note, mayReview } = command.data;
  const from = state.workState;
  if (from === to) return [];
  if (!WORK_TRANSITIONS[from].includes(to)) throw new WorkStateTransitionRefused(from, to, allowedWorkTransitions(from, mayReview));
  if (isReviewMove(from, to) && !mayReview) throw new WorkReviewRequired(from, to);
  return [{ type: 'WorkStateChanged', data: { claimId, from, to, ...(note !== undefined ? { note } : {}), ...recorded(command.metadata) } }];
};

/**
 * The checklist a task command works on: the seeded one, or the claim's template, with the seeding event
 * to write first. Seeding is lazy so that reading a claim's work never writes.
 */
const checklistOf = (command: AddTask | SetTask, state: WorkStreamState): { tasks: readonly WorkTaskState[]; seeding: WorkEvent[] } => {
  const claim = existingClaim(command);
  if (state.template !== undefined) return { tasks: state.tasks, seeding: [] };
  const { template, items } = checklistTemplateOf(claim.category);
  return {
    tasks: items.map((item) => ({ ...item, done: false })),
    seeding: [{ type: 'ChecklistSeeded', data: { claimId: command.data.claimId, template, items, ...recorded(command.metadata) } }],
  };
};

const decideAddTask = (command: AddTask, state: WorkStreamState): WorkEvent[] => {
  const { tasks, seeding } = checklistOf(command, state);
  const name = command.data.name.trim();
  const taskId = taskIdOf(name);
  if (taskId === '') throw new TaskNameWithoutId(name);
  if (tasks.some((task) => task.taskId === taskId)) throw new TaskAlreadyExists(taskId);
  return [...seeding, { type: 'TaskAdded', data: { claimId: command.data.claimId, taskId, name, ...recorded(command.metadata) } }];
};

const decideSetTask = (command: SetTask, state: WorkStreamState): WorkEvent[] => {
  const { tasks, seeding } = checklistOf(command, state);
  const { claimId, taskId, done } = command.data;
  const task = tasks.find((candidate) => candidate.taskId === taskId);
  if (!task) throw new TaskNotFound(taskId);
  // Already as asked: nothing to write, not even the seeding (a read-like command must not write).
  if (task.done === done) return [];
  return [...seeding, { type: done ? 'TaskTicked' : 'TaskUnticked', data: { claimId, taskId, ...recorded(command.metadata) } }];
};

const decidePostComment = (command: PostComment, state: WorkStreamState): WorkEvent[] => {
  const claim = existingClaim(command);
  const { claimId, commentId, body, reportId } = command.data;
  const same = state.comments.find((comment) => comment.commentId === commentId);
  if (same) {
    // A retried post (same Idempotency-Key, so the same id) is recognised by content and ignored.
    if (same.body === body && same.reportId === reportId) return [];
    throw new CommentIdTaken(commentId);
  }
  if (reportId !== undefined && !claim.reportIds.includes(reportId)) throw new ReportNotOnClaim(reportId, claimId);
  return [{ type: 'CommentPosted', data: { claimId, commentId, body, ...(reportId !== undefined ? { reportId } : {}), ...recorded(command.metadata) } }];
};

export const decideWork = (command: WorkCommand, state: WorkStreamState): WorkEvent[] => {
  switch (command.type) {
    case 'AssignClaim':
      return decideAssign(command, state);
    case 'UnassignClaim':
      existingClaim(command);
      if (state.assignee === null) return [];
      return [{ type: 'ClaimUnassigned', data: { claimId: command.data.claimId, previousAssignee: state.assignee, ...recorded(command.metadata) } }];
    case 'ChangeWorkState':
      return decideChangeWorkState(command, state);
    case 'AddTask':
      return decideAddTask(command, state);
    case 'SetTask':
      return decideSetTask(command, state);
    case 'PostComment':
      return decidePostComment(command, state);
    default:
      return assertNever(command);
  }
};

/** The desk workflow of one claim, on its own stream (`work-<claimId>`). */
export const workDecider: Decider<WorkStreamState, WorkCommand, WorkEvent> = {
  initialState: initialWorkState,
  evolve: evolveWork,
  decide: decideWork,
};
