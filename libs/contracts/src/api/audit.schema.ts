import { z } from 'zod';
import { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus } from '../events/vocabulary.schema';
import { Timestamp } from '../events/primitives.schema';
import { ClaimOccurrence, ClaimResponse } from './claims.schema';
import { NoRequestBody, ResourceId } from './common.schema';

/** `<transactionId>-<globalPosition>`: a place in the event log. */
export const LogPositionCursor = z.string().regex(/^\d{1,20}-\d{1,16}$/, 'a log position such as 812-40');

/**
 * `GET /claims/:claimId?asOf=…` or `?atVersion=…`: the claim as it stood then. `asReportedOn=…`: the claim
 * as the reporting stood then (reports by their `publishedAt`), alone or with `asOf`.
 */
export const ClaimPointInTimeQuery = z
  .strictObject({
    asOf: Timestamp.optional(),
    atVersion: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    asReportedOn: Timestamp.optional(),
  })
  .refine((query) => query.asOf === undefined || query.atVersion === undefined, { message: 'give asOf or atVersion, not both', path: ['atVersion'] })
  .refine((query) => query.asReportedOn === undefined || query.atVersion === undefined, {
    message: 'asReportedOn composes with asOf, not with atVersion',
    path: ['asReportedOn'],
  });
export type ClaimPointInTimeQuery = z.infer<typeof ClaimPointInTimeQuery>;

export const PointInTimeSchema = z.object({
  /**
   * `recorded`: cut by the store's clock (`asOf`, `atVersion`) or none; `reported`: cut by the reporting's
   * own clock (`asReportedOn`), with the source grades the log held at `asOf` (or now, without it).
   */
  clock: z.enum(['recorded', 'reported']),
  /** The cut asked for. */
  asOf: z.string().optional(),
  atVersion: z.number().int().optional(),
  asReportedOn: z.string().optional(),
  /** With `asReportedOn`: the reports (retracted ones included) published by then that the claim counts. */
  reportsCounted: z.number().int().optional(),
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
  /** The report's own publication time, for an assertion, corroboration or dispute; null for other events. */
  publishedAt: z.string().nullable(),
  /**
   * The event's time on the reporting clock: `publishedAt` (never before the asserting report's), else
   * `recordedAt` (never before the report a retraction or evidence names). `order=reported` sorts on it.
   */
  reportedAt: z.string(),
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

/** `GET /claims/:claimId/history?order=…`: `log` (default, the store's order) or `reported` (the reporting clock). */
export const ClaimHistoryQuery = z.strictObject({ order: z.enum(['log', 'reported']).default('log') });
export type ClaimHistoryQuery = z.infer<typeof ClaimHistoryQuery>;

export const ClaimHistoryResponse = z.object({
  claimId: z.string(),
  modelVersion: z.string(),
  /** The order of `entries`: `log` by log position; `reported` by `reportedAt`, ties by log position. */
  order: z.enum(['log', 'reported']),
  /** When the claimed event happened, with its precision and the window it spans (as in `GET /claims`). */
  occurred: ClaimOccurrence,
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
  /** The transparency tree rebuilt from the log and compared with the stored one (whole-log checks only). */
  tree: z
    .object({
      intact: z.boolean(),
      treeSize: z.number().int(),
      checkpoints: z.number().int(),
      mismatches: z.number().int(),
      firstMismatch: z
        .object({
          kind: z.enum(['leaf', 'root', 'missing_event']),
          leafIndex: z.number().int().optional(),
          eventId: z.string().optional(),
          position: LogPositionCursor.optional(),
          checkpointId: z.number().int().optional(),
          treeSize: z.number().int().optional(),
          expected: z.string(),
          found: z.string(),
        })
        .optional(),
    })
    .optional(),
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
  /** The transparency log's tree at this checkpoint: exactly the events at or before `position` (null on checkpoints older than the tree). */
  treeSize: z.number().int().nullable(),
  /** Base64 RFC 9162 root of that tree. */
  rootHash: z.string().nullable(),
  /** The C2SP tlog-checkpoint signed note (null when the log has no signing key). */
  note: z.string().nullable(),
  /** Witnesses' tlog-cosignature/v1 lines over the note, verified against AUDIT_WITNESS_KEYS. */
  cosignatures: z.array(z.object({ keyName: z.string(), keyId: z.string(), timestamp: z.number().int(), line: z.string() })),
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
export const CreateCheckpointRequest = NoRequestBody;
export type CreateCheckpointRequest = z.infer<typeof CreateCheckpointRequest>;

const CheckpointId = z.string().regex(/^\d{1,15}$/, 'a checkpoint id');

/** `checkpoint`: end the export there and add inclusion proofs; `since` (with `checkpoint`): add the consistency proof from that earlier one. */
export const AuditExportQuery = z
  .strictObject({ claim: ResourceId.optional(), checkpoint: CheckpointId.optional(), since: CheckpointId.optional() })
  .refine((query) => query.since === undefined || query.checkpoint !== undefined, { message: 'since needs checkpoint', path: ['since'] });
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;

/** `GET /audit/public-key`: the log's origin and C2SP verifier key `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export const AuditPublicKeyResponse = z.object({ origin: z.string(), verifierKey: z.string() });

const TreeSize = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const InclusionProofQuery = z.strictObject({ eventId: ResourceId, treeSize: TreeSize.refine((size) => size >= 1, 'at least 1') });
export type InclusionProofQuery = z.infer<typeof InclusionProofQuery>;

/** RFC 9162 2.1.3 inclusion proof: hashes base64, leaf to root. */
export const InclusionProofResponse = z.object({ leafIndex: z.number().int(), treeSize: z.number().int(), eventHash: z.string(), proof: z.array(z.string()) });

export const ConsistencyProofQuery = z
  .strictObject({ from: TreeSize, to: TreeSize })
  .refine((query) => query.from <= query.to, { message: 'from must not be larger than to', path: ['from'] });
export type ConsistencyProofQuery = z.infer<typeof ConsistencyProofQuery>;

/** RFC 9162 2.1.4 consistency proof, hashes base64. */
export const ConsistencyProofResponse = z.object({ from: z.number().int(), to: z.number().int(), proof: z.array(z.string()) });

/** Any other reference is simply no checkpoint (404), so a bad body is named before a bad id. */
export const CheckpointIdParams = z.strictObject({ checkpoint: z.string().min(1).max(100) });
export type CheckpointIdParams = z.infer<typeof CheckpointIdParams>;

/** A witness's cosignature: tlog-cosignature/v1 signature line(s), or the whole cosigned note. */
export const AddCosignatureRequest = z.strictObject({ cosignature: z.string().min(1).max(20_000) });
export type AddCosignatureRequest = z.infer<typeof AddCosignatureRequest>;
