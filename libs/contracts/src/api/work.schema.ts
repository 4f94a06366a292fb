import { z } from 'zod';
import { CommentBody, TaskName, WorkState } from '../events/work-events.schema';
import { ClaimCategory, ClaimStatus, Icd203Band, PublishedStatus } from '../events/vocabulary.schema';
import { ResourceId } from './common.schema';

/** An API key as the desk shows it: who did something, or who works on a claim. */
export const DeskPerson = z.object({ keyId: z.string(), name: z.string().nullable() });
export type DeskPerson = z.infer<typeof DeskPerson>;

export const AssignClaimRequest = z.strictObject({ assignee: ResourceId });
export type AssignClaimRequest = z.infer<typeof AssignClaimRequest>;

export const ChangeWorkStateRequest = z.strictObject({ state: WorkState, note: z.string().trim().min(1).max(1000).optional() });
export type ChangeWorkStateRequest = z.infer<typeof ChangeWorkStateRequest>;

export const AddTaskRequest = z.strictObject({
  name: TaskName.refine((name) => /[\p{L}\p{N}]/u.test(name), 'must contain a letter or a digit'),
});
export type AddTaskRequest = z.infer<typeof AddTaskRequest>;

export const SetTaskRequest = z.strictObject({ done: z.boolean() });
export type SetTaskRequest = z.infer<typeof SetTaskRequest>;

export const PostCommentRequest = z.strictObject({ body: CommentBody, reportId: ResourceId.optional() });
export type PostCommentRequest = z.infer<typeof PostCommentRequest>;

/** A task by its id (`check-the-date`) or by its name (`Check the date`): the server takes the slug of either. */
export const TaskIdParams = z.strictObject({ claimId: ResourceId, taskId: z.string().trim().min(1).max(200) });
export type TaskIdParams = z.infer<typeof TaskIdParams>;

export const WorkTask = z.object({
  taskId: z.string(),
  name: z.string(),
  done: z.boolean(),
  doneBy: DeskPerson.nullable(),
  doneAt: z.string().nullable(),
});
export type WorkTask = z.infer<typeof WorkTask>;

export const WorkTasksResponse = z.object({
  claimId: z.string(),
  /** The template the checklist came from: the claim's category, or `default`. */
  checklistTemplate: z.string(),
  /** False until the first task change: the tasks shown are the template's, nothing is written yet. */
  seeded: z.boolean(),
  tasks: z.array(WorkTask),
  /** The work stream's version: send it back as `If-Match`. */
  version: z.number().int(),
});
export type WorkTasksResponse = z.infer<typeof WorkTasksResponse>;

export const WorkViewResponse = WorkTasksResponse.extend({
  workState: WorkState,
  assignee: DeskPerson.nullable(),
  commentCount: z.number().int(),
  /** `recordedAt` of the last work event; null before the first. */
  lastActivityAt: z.string().nullable(),
  /** The states the caller may move the claim to now (their role considered). */
  allowedTransitions: z.array(WorkState),
});
export type WorkViewResponse = z.infer<typeof WorkViewResponse>;

export const CommentResponse = z.object({
  commentId: z.string(),
  /** Markdown text exactly as posted: render it as text, or escape it before rendering. */
  body: z.string(),
  reportId: z.string().nullable(),
  author: DeskPerson,
  postedAt: z.string(),
});
export type CommentResponse = z.infer<typeof CommentResponse>;

export const CommentListQuery = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type CommentListQuery = z.infer<typeof CommentListQuery>;

export const CommentListResponse = z.object({
  /** Oldest first. */
  items: z.array(CommentResponse),
  nextCursor: z.string().nullable(),
});
export type CommentListResponse = z.infer<typeof CommentListResponse>;

export const WorkHistoryResponse = z.object({
  claimId: z.string(),
  items: z.array(
    z.object({
      version: z.number().int(),
      type: z.string(),
      recordedAt: z.string(),
      recordedBy: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type WorkHistoryResponse = z.infer<typeof WorkHistoryResponse>;

const QueryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

export const DeskQueueQuery = z.strictObject({
  /** A key id, or `me` for the caller's own key. */
  assignee: z.union([z.literal('me'), ResourceId]).optional(),
  workState: WorkState.optional(),
  unassigned: QueryBoolean.optional(),
  /** Claims whose computed status is `contested`. */
  contested: QueryBoolean.optional(),
  /** Published status: a computed status or a verdict. */
  status: PublishedStatus.optional(),
  category: ClaimCategory.optional(),
  /** No activity (claim event or work event) for at least this many days. */
  idleDays: z.coerce.number().int().min(1).max(3650).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type DeskQueueQuery = z.infer<typeof DeskQueueQuery>;

export const DeskQueueItem = z.object({
  claimId: z.string(),
  statement: z.string(),
  category: ClaimCategory,
  status: PublishedStatus,
  computedStatus: ClaimStatus,
  confidence: z.number(),
  band: Icd203Band,
  workState: WorkState,
  assignee: DeskPerson.nullable(),
  /** The later of the claim's last event and its last work event. */
  lastActivityAt: z.string(),
  assertedAt: z.string(),
  workVersion: z.number().int(),
});
export type DeskQueueItem = z.infer<typeof DeskQueueItem>;

export const DeskQueueResponse = z.object({
  /** Most recently asserted first, like `/claims`. */
  items: z.array(DeskQueueItem),
  nextCursor: z.string().nullable(),
});
export type DeskQueueResponse = z.infer<typeof DeskQueueResponse>;

export const DeskPeopleResponse = z.object({
  items: z.array(z.object({ keyId: z.string(), name: z.string(), role: z.string() })),
});
export type DeskPeopleResponse = z.infer<typeof DeskPeopleResponse>;


/** The caller's own key, for a client that shows "assign to me" and only the forms its role may use. */
export const DeskMeResponse = z.object({ keyId: z.string(), name: z.string().nullable(), role: z.string(), permissions: z.array(z.string()) });
export type DeskMeResponse = z.infer<typeof DeskMeResponse>;
