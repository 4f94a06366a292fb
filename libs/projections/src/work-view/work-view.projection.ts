import type { WorkEvent, WorkState } from '@claims/contracts';
import type { WorkStreamState } from '@claims/domain';
import type { ProjectionPoint } from '../projection-point';

export interface WorkViewTask {
  taskId: string;
  name: string;
  done: boolean;
  doneBy: string | null;
  doneAt: string | null;
}

/** A row of `work_view`: one claim's work, as its work stream folds. */
export interface WorkView {
  claimId: string;
  version: number;
  position: number;
  workState: WorkState;
  assignee: string | null;
  /** Null until the checklist is seeded. */
  template: string | null;
  tasks: WorkViewTask[];
  commentCount: number;
  lastActivityAt: string;
}

/** A row of `work_comments`. */
export interface WorkCommentRow {
  claimId: string;
  /** The work stream version of the `CommentPosted` event: comments sort by it. */
  version: number;
  commentId: string;
  body: string;
  reportId: string | null;
  author: string;
  postedAt: string;
}

/** The row of a folded work stream; pure, so the inline projection and a rebuild write the same row. */
export const workViewOf = (claimId: string, state: WorkStreamState, at: Omit<ProjectionPoint, 'updatedAt'>): WorkView => ({
  claimId,
  version: at.version,
  position: at.position,
  workState: state.workState,
  assignee: state.assignee,
  template: state.template ?? null,
  tasks: state.tasks.map((task) => ({ taskId: task.taskId, name: task.name, done: task.done, doneBy: task.doneBy ?? null, doneAt: task.doneAt ?? null })),
  commentCount: state.comments.length,
  // A work stream has at least one event when it has a row, so this is set.
  lastActivityAt: state.lastActivityAt ?? '',
});

/** The comment row an event makes, if it is a comment. */
export const workCommentOf = (claimId: string, version: number, event: WorkEvent): WorkCommentRow | undefined =>
  event.type === 'CommentPosted'
    ? {
        claimId,
        version,
        commentId: event.data.commentId,
        body: event.data.body,
        reportId: event.data.reportId ?? null,
        author: event.data.recordedBy,
        postedAt: event.data.recordedAt,
      }
    : undefined;
