import { z } from 'zod';
import { defineEvent } from './event-envelope';
import { createEventReader, type EventUpcasters } from './event-versioning';
import { ActorId, Identifier, Timestamp } from './primitives.schema';

/**
 * The desk's workflow on a claim: who works on it, how far the work is, its checklist and comments. These
 * events live on the claim's work stream (`work-<claimId>`), not on the claim stream, so the claim's
 * assessment folds (and their rebuilds and time travel) never see them.
 */

/** Every event records when it was decided and by whom, as the claim's events do. */
const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

/** Where a claim's verification work stands on the desk (not a claim status: nothing is assessed from it). */
export const WorkState = z.enum(['new', 'in_progress', 'help_needed', 'ready_for_review', 'done', 'on_hold']);
export type WorkState = z.infer<typeof WorkState>;

/** A checklist item's id: the slug of its name (`check-the-date`). */
export const TaskId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters and digits in words joined by "-"');

export const TaskName = z.string().trim().min(1).max(200);

/** Markdown text, stored and served as text: nothing in the API renders it. */
export const CommentBody = z.string().min(1).max(4000).refine((body) => body.trim().length > 0, 'must not be blank');

/** An API key id: a person (or system) on the desk. */
export const KeyId = z.string().min(1).max(200);

export const ClaimAssignedData = z.strictObject({
  claimId: Identifier,
  assignee: KeyId,
  previousAssignee: KeyId.nullable(),
  ...recorded,
});

export const ClaimUnassignedData = z.strictObject({ claimId: Identifier, previousAssignee: KeyId, ...recorded });

export const WorkStateChangedData = z.strictObject({
  claimId: Identifier,
  from: WorkState,
  to: WorkState,
  note: z.string().trim().min(1).max(1000).optional(),
  ...recorded,
});

/** The checklist as its template stood when the claim's first task was touched: later template edits do not rewrite it. */
export const ChecklistSeededData = z.strictObject({
  claimId: Identifier,
  template: z.string().min(1).max(100),
  items: z.array(z.strictObject({ taskId: TaskId, name: TaskName })).max(50),
  ...recorded,
});

export const TaskAddedData = z.strictObject({ claimId: Identifier, taskId: TaskId, name: TaskName, ...recorded });
export const TaskTickedData = z.strictObject({ claimId: Identifier, taskId: TaskId, ...recorded });
export const TaskUntickedData = z.strictObject({ claimId: Identifier, taskId: TaskId, ...recorded });

export const CommentPostedData = z.strictObject({
  claimId: Identifier,
  commentId: Identifier,
  body: CommentBody,
  /** The report of the claim the comment is about, when it is about one. */
  reportId: Identifier.optional(),
  ...recorded,
});

export const ClaimAssigned = defineEvent('ClaimAssigned', ClaimAssignedData);
export const ClaimUnassigned = defineEvent('ClaimUnassigned', ClaimUnassignedData);
export const WorkStateChanged = defineEvent('WorkStateChanged', WorkStateChangedData);
export const ChecklistSeeded = defineEvent('ChecklistSeeded', ChecklistSeededData);
export const TaskAdded = defineEvent('TaskAdded', TaskAddedData);
export const TaskTicked = defineEvent('TaskTicked', TaskTickedData);
export const TaskUnticked = defineEvent('TaskUnticked', TaskUntickedData);
export const CommentPosted = defineEvent('CommentPosted', CommentPostedData);

/** Any event of a work stream, discriminated by `type`. */
export const WorkEvent = z.discriminatedUnion('type', [
  ClaimAssigned,
  ClaimUnassigned,
  WorkStateChanged,
  ChecklistSeeded,
  TaskAdded,
  TaskTicked,
  TaskUnticked,
  CommentPosted,
]);
export type WorkEvent = z.infer<typeof WorkEvent>;
export type WorkEventType = WorkEvent['type'];

/** No upcasters yet: every work event is at v1. */
export const workEventUpcasters: EventUpcasters<WorkEventType> = {};

/** Validates (and upcasts) a work event read back from the store. */
export const readWorkEvent = createEventReader<WorkEventType, WorkEvent>(WorkEvent, workEventUpcasters);
