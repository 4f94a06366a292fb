import type { WorkEvent, WorkState } from '@claims/contracts';
import { assertNever } from '../shared/decider';

export interface WorkTaskState {
  taskId: string;
  name: string;
  done: boolean;
  /** Who ticked it and when; cleared when it is unticked. */
  doneBy?: string;
  doneAt?: string;
}

export interface WorkCommentState {
  commentId: string;
  body: string;
  reportId?: string;
  author: string;
  postedAt: string;
}

/** A claim's desk workflow folded from its work stream. A stream with no event is a new, unassigned claim. */
export interface WorkStreamState {
  workState: WorkState;
  assignee: string | null;
  /** The template the checklist was seeded from; undefined until the first task change seeds it. */
  template?: string;
  tasks: readonly WorkTaskState[];
  comments: readonly WorkCommentState[];
  /** `recordedAt` of the last work event. */
  lastActivityAt: string | null;
}

export const initialWorkState = (): WorkStreamState => ({ workState: 'new', assignee: null, tasks: [], comments: [], lastActivityAt: null });

const setTask = (tasks: readonly WorkTaskState[], taskId: string, change: (task: WorkTaskState) => WorkTaskState) =>
  tasks.map((task) => (task.taskId === taskId ? change(task) : task));

export const evolveWork = (state: WorkStreamState, event: WorkEvent): WorkStreamState => {
  const next = { ...state, lastActivityAt: event.data.recordedAt };
  switch (event.type) {
    case 'ClaimAssigned':
      return { ...next, assignee: event.data.assignee };
    case 'ClaimUnassigned':
      return { ...next, assignee: null };
    case 'WorkStateChanged':
      return { ...next, workState: event.data.to };
    case 'ChecklistSeeded':
      return { ...next, template: event.data.template, tasks: event.data.items.map((item) => ({ ...item, done: false })) };
    case 'TaskAdded':
      return { ...next, tasks: [...state.tasks, { taskId: event.data.taskId, name: event.data.name, done: false }] };
    case 'TaskTicked':
      return { ...next, tasks: setTask(state.tasks, event.data.taskId, (task) => ({ ...task, done: true, doneBy: event.data.recordedBy, doneAt: event.data.recordedAt })) };
    case 'TaskUnticked':
      return { ...next, tasks: setTask(state.tasks, event.data.taskId, ({ doneBy: _by, doneAt: _at, ...task }) => ({ ...task, done: false })) };
    case 'CommentPosted': {
      const { commentId, body, reportId, recordedBy: author, recordedAt: postedAt } = event.data;
      return { ...next, comments: [...state.comments, { commentId, body, ...(reportId !== undefined ? { reportId } : {}), author, postedAt }] };
    }
    default:
      return assertNever(event);
  }
};
