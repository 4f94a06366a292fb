import { z } from 'zod';
import { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus } from '../events/vocabulary.schema';
import { Timestamp } from '../events/primitives.schema';
import { ClaimResponse } from './claims.schema';
import { ResourceId } from './common.schema';

/** `<transactionId>-<globalPosition>`: a place in the event log. */
export const LogPositionCursor = z.string().regex(/^\d{1,20}-\d{1,16}$/, 'a log position such as 812-40');

/** `GET /claims/:claimId?asOf=…` or `?atVersion=…`: the claim as it stood then. */
export const ClaimPointInTimeQuery = z
  .strictObject({
    asOf: Timestamp.optional(),
    atVersion: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((query) => query.asOf === undefined || query.atVersion === undefined, { message: 'give asOf or atVersion, not both', path: ['atVersion'] });
export type ClaimPointInTimeQuery = z.infer<typeof ClaimPointInTimeQuery>;

export const PointInTimeSchema = z.object({
  /** The cut asked for. */
  asOf: z.string().optional(),
  atVersion: z.number().int().optional(),
  /** The last event applied: the claim's own, or a source event that re-assessed it. */
  position: LogPositionCursor,
  eventType: z.string(),
  recordedAt: z.string(),
  /** True: recomputed by replaying the event log, not read from the live projection. */
  recomputed: z.literal(true),
  /** The assessment model used for the recomputation (the same pure code as the live projection). */
  modelVersion: z.string(),
});

export const ClaimPointInTimeResponse = ClaimResponse.extend({ pointInTime: PointInTimeSchema });
export type ClaimPointInTimeResponse = z.infer<typeof ClaimPointInTimeResponse>;

const HeadlineSchema = z.object({
  status: PublishedStatus,
  computedStatus: ClaimStatus,
  confidence: z.number(),
  band: Icd203Band,
  credibilityRating: CredibilityRating,
  modelVersion: z.string(),
});

export const ClaimHistoryEntrySchema = z.object({
  /** `claim_event`: an event of the claim's stream; `source_event`: a source change that re-assessed it. */
  kind: z.enum(['claim_event', 'source_event']),
  position: LogPositionCursor,
  streamId: z.string(),
  streamVersion: z.number().int(),
  /** The claim's version after this step. */
  claimVersion: z.number().int(),
  eventId: z.string(),
  eventType: z.string(),
  /** When the store recorded the event. */
  recordedAt: z.string(),
  actor: z.object({ id: z.string(), name: z.string().optional(), role: z.string().optional() }).nullable(),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  requestId: z.string().nullable(),
  /** The event's hash-chain link (hex SHA-256). */
  hash: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** The assessment after this step, and before it (null for the assertion). */
  assessment: HeadlineSchema,
  previous: HeadlineSchema.nullable(),
  /** Headline fields that moved: published status, computed status, rating, band, confidence, model. */
  changed: z.array(z.string()),
  /** Why the assessment stands as it does after this step, in sentences. */
  explanation: z.array(z.string()),
});

export const ClaimHistoryResponse = z.object({
  claimId: z.string(),
  modelVersion: z.string(),
  entries: z.array(ClaimHistoryEntrySchema),
});
export type ClaimHistoryResponse = z.infer<typeof ClaimHistoryResponse>;

export const AuditVerifyQuery = z.strictObject({ stream: z.string().min(1).max(300).optional() });
export type AuditVerifyQuery = z.infer<typeof AuditVerifyQuery>;

const BrokenLinkSchema = z.object({
  streamId: z.string(),
  version: z.number().int(),
  expectedVersion: z.number().int(),
  position: LogPositionCursor,
  reason: z.enum(['hash_mismatch', 'version_gap']),
  expectedHash: z.string(),
  foundHash: z.string(),
});

export const AuditVerifyResponse = z.object({
  intact: z.boolean(),
  streamId: z.string().optional(),
  checkedUpTo: LogPositionCursor,
  intactUpTo: LogPositionCursor.nullable(),
  events: z.number().int(),
  streams: z.number().int(),
  firstBroken: BrokenLinkSchema.optional(),
  brokenStreams: z.number().int(),
  broken: z.array(BrokenLinkSchema),
  summary: z.string(),
});
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponse>;

export const LogCheckpointSchema = z.object({
  id: z.number().int(),
  position: LogPositionCursor,
  createdAt: z.string(),
  streams: z.number().int(),
  events: z.number().int(),
  merkleRoot: z.string(),
  previousHash: z.string(),
  checkpointHash: z.string(),
});
export type LogCheckpointResponse = z.infer<typeof LogCheckpointSchema>;

export const LogCheckpointListResponse = z.object({ items: z.array(LogCheckpointSchema) });

export const CheckpointRefParams = z.strictObject({ checkpoint: z.string().regex(/^(\d{1,15}|[0-9a-fA-F]{64})$/, 'a checkpoint id, Merkle root or checkpoint hash') });
export type CheckpointRefParams = z.infer<typeof CheckpointRefParams>;

export const CheckpointVerifyResponse = z.object({
  matches: z.boolean(),
  checkpointIntact: z.boolean(),
  checkpoint: LogCheckpointSchema,
  found: z.object({ position: LogPositionCursor, merkleRoot: z.string(), streams: z.number().int(), events: z.number().int() }),
});

/** `POST /audit/checkpoints` takes no input: `{}` or no body at all; any field is refused. */
export const CreateCheckpointRequest = z.strictObject({}).optional();
export type CreateCheckpointRequest = z.infer<typeof CreateCheckpointRequest>;

export const AuditExportQuery = z.strictObject({ claim: ResourceId.optional() });
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;
