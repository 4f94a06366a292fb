import type { WorkState } from '@claims/contracts';

/** The desk's workflow: where a claim's work may go from each state (Atlos-like, with a hold). */
export const WORK_TRANSITIONS: Readonly<Record<WorkState, readonly WorkState[]>> = {
  new: ['in_progress', 'on_hold'],
  in_progress: ['help_needed', 'ready_for_review', 'on_hold'],
  help_needed: ['in_progress', 'on_hold'],
  ready_for_review: ['done', 'in_progress'],
  on_hold: ['in_progress', 'new'],
  done: ['in_progress'],
};

/** The moves that are an editor's call: closing a review, and reopening what was closed. */
const REVIEW_MOVES: ReadonlyArray<readonly [WorkState, WorkState]> = [
  ['ready_for_review', 'done'],
  ['done', 'in_progress'],
];

export const isReviewMove = (from: WorkState, to: WorkState): boolean => REVIEW_MOVES.some(([a, b]) => a === from && b === to);

/** The states an actor may move the work to from `from`; without `work:review`, the review moves are left out. */
export const allowedWorkTransitions = (from: WorkState, mayReview: boolean): WorkState[] =>
  WORK_TRANSITIONS[from].filter((to) => mayReview || !isReviewMove(from, to));
