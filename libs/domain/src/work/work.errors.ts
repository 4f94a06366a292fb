import type { AssigneeStanding } from './work.commands';
import { DomainError } from '../shared/domain-error';

const WHY: Record<Exclude<AssigneeStanding, 'assignable'>, string> = {
  unknown: 'is not an API key of this service',
  revoked: 'is revoked',
  expired: 'has expired',
  cannot_work: "has a role that cannot work on claims (only analyst and editor keys can)",
};

/** Only an active analyst or editor key can be given a claim to work on. */
export class AssigneeNotAssignable extends DomainError {
  readonly code = 'ASSIGNEE_NOT_ASSIGNABLE';
  readonly kind = 'validation';
  constructor(assignee: string, standing: Exclude<AssigneeStanding, 'assignable'>) {
    super(`Key ${assignee} ${WHY[standing]}`, 'assignee', { assignee, reason: standing });
  }
}

/** A move the desk's workflow has no arrow for (e.g. `new` straight to `done`). */
export class WorkStateTransitionRefused extends DomainError {
  readonly code = 'WORK_STATE_TRANSITION_REFUSED';
  readonly kind = 'conflict';
  constructor(from: string, to: string, allowed: readonly string[]) {
    super(`A claim's work cannot move from ${from} to ${to} (from ${from}: ${allowed.join(', ') || 'nowhere'})`, 'state', { from, to });
  }
}

/** Closing a review (`ready_for_review` → `done`) and reopening a done claim are an editor's. */
export class WorkReviewRequired extends DomainError {
  readonly code = 'WORK_REVIEW_REQUIRED';
  readonly kind = 'forbidden';
  constructor(from: string, to: string) {
    super(`Moving a claim's work from ${from} to ${to} needs the work:review permission (editors)`, 'state', { from, to });
  }
}

export class TaskNotFound extends DomainError {
  readonly code = 'TASK_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(taskId: string) {
    super(`The claim's checklist has no task ${taskId}`, 'taskId', { taskId });
  }
}

/** Task ids are slugs of names, so two names with the same slug are the same task. */
export class TaskAlreadyExists extends DomainError {
  readonly code = 'TASK_ALREADY_EXISTS';
  readonly kind = 'conflict';
  constructor(taskId: string) {
    super(`The claim's checklist already has task ${taskId}`, 'name', { taskId });
  }
}

/** A comment can be about one report, and only a report of the claim it is posted on. */
export class ReportNotOnClaim extends DomainError {
  readonly code = 'REPORT_NOT_ON_CLAIM';
  readonly kind = 'validation';
  constructor(reportId: string, claimId: string) {
    super(`Report ${reportId} is not a report of claim ${claimId}`, 'reportId', { reportId, claimId });
  }
}

/** A comment id reused for a different comment (an identical retry is a no-op instead). */
export class CommentIdTaken extends DomainError {
  readonly code = 'COMMENT_ID_TAKEN';
  readonly kind = 'conflict';
  constructor(commentId: string) {
    super(`Comment id ${commentId} is already used by a different comment`, 'commentId', { commentId });
  }
}

/** A task's id is the slug of its name, so a name needs latin letters or digits to have one. */
export class TaskNameWithoutId extends DomainError {
  readonly code = 'TASK_NAME_INVALID';
  readonly kind = 'validation';
  constructor(name: string) {
    super(`Task name "${name}" has no latin letter or digit to make its id from`, 'name', { name });
  }
}
