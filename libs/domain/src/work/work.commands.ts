import type { ClaimCategory, WorkState } from '@claims/contracts';
import type { DomainCommand } from '../shared/decider';

/**
 * What the desk's rules need to know about the claim, read by the caller from the claim's own stream or
 * view (null: no such claim). The work stream never folds claim events.
 */
export interface WorkClaimFacts {
  category: ClaimCategory;
  reportIds: readonly string[];
  /** Set when the claim was merged into another: its reports (and the work on them) belong there now. */
  mergedInto?: string;
}

/** Whether the key to assign can work on claims, as the caller found it in the key registry. */
export type AssigneeStanding = 'assignable' | 'unknown' | 'revoked' | 'expired' | 'cannot_work';

interface OnClaim {
  claimId: string;
  claim: WorkClaimFacts | null;
}

export type AssignClaim = DomainCommand<'AssignClaim', OnClaim & { assignee: string; assigneeStanding: AssigneeStanding }>;
export type UnassignClaim = DomainCommand<'UnassignClaim', OnClaim>;
/** `mayReview`: the actor holds `work:review` (closing a review and reopening are the editor's). */
export type ChangeWorkState = DomainCommand<'ChangeWorkState', OnClaim & { to: WorkState; note?: string; mayReview: boolean }>;
export type AddTask = DomainCommand<'AddTask', OnClaim & { name: string }>;
export type SetTask = DomainCommand<'SetTask', OnClaim & { taskId: string; done: boolean }>;
export type PostComment = DomainCommand<'PostComment', OnClaim & { commentId: string; body: string; reportId?: string }>;

export type WorkCommand = AssignClaim | UnassignClaim | ChangeWorkState | AddTask | SetTask | PostComment;
