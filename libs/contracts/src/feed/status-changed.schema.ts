import { z } from 'zod';
import { Identifier, Timestamp } from '../events/primitives.schema';
import { CredibilityRating, Icd203Band, PublishedStatus } from '../events/vocabulary.schema';

/**
 * Public feed contracts. They are not the internal events: each message has its own versioned schema and
 * an explicit mapper (libs/feed), so the store's events can change without breaking consumers.
 */

/** The largest transaction id PostgreSQL stores (`xid8` is an unsigned 64-bit integer). */
export const MAX_TRANSACTION_ID = 2n ** 64n - 1n;

const LOG_POSITION_FORMAT = /^(\d{1,20})-(\d{1,16})$/;

/**
 * `"<transactionId>-<globalPosition>"`: a place in the event log (see @claims/event-store `formatLogPosition`).
 * Each part is bounded by what the database holds (a transaction id in 0..2^64-1, a position a safe
 * integer), so a cursor that passes here never fails in SQL: a larger `xid8` is an error on some servers
 * and silently clamped on others.
 */
export const FeedLogPosition = z
  .string()
  .regex(LOG_POSITION_FORMAT, 'a log position "<transactionId>-<globalPosition>"')
  .refine((value) => {
    const match = LOG_POSITION_FORMAT.exec(value);
    return !match || (BigInt(match[1]) <= MAX_TRANSACTION_ID && Number.isSafeInteger(Number(match[2])));
  }, `a log position: the transaction id at most ${MAX_TRANSACTION_ID}, the position at most ${Number.MAX_SAFE_INTEGER}`);

/** What a consumer sees of a claim's assessment: the fields whose change emits a message, and the confidence. */
export const ClaimStatusSnapshotV1 = z.strictObject({
  status: PublishedStatus,
  credibilityRating: CredibilityRating,
  /** Probability the claim is true, 0..1 (docs/assessment.md). Its change alone emits nothing; the band's does. */
  confidence: z.number().min(0).max(1),
  band: Icd203Band,
});
export type ClaimStatusSnapshotV1 = z.infer<typeof ClaimStatusSnapshotV1>;

/** Which of the watched fields changed. */
export const StatusChangeField = z.enum(['status', 'credibilityRating', 'band']);
export type StatusChangeField = z.infer<typeof StatusChangeField>;

/** The event whose projection caused the change: a claim's own event, or a source's (a re-grade). */
export const StatusChangeEventCauseV1 = z.strictObject({
  eventId: z.uuid(),
  eventType: z.string().min(1).max(100),
  /** The stream of that event: `claim-<id>` or `source-<id>`. */
  streamId: z.string().min(1).max(200),
  /** Version of that stream after the event. */
  streamVersion: z.number().int().positive(),
  /** Where the event sits in the global log; per claim, later changes have later positions. */
  position: FeedLogPosition,
});
export type StatusChangeEventCauseV1 = z.infer<typeof StatusChangeEventCauseV1>;

/** `cause.eventType` of a change made by switching the assessment model: no event of the log has it. */
export const MODEL_UPGRADE_CAUSE_TYPE = 'AssessmentModelUpgraded';
/** `cause.streamId` of a model upgrade: names the assessment model, not a stream of the log. */
export const MODEL_UPGRADE_CAUSE_STREAM = 'assessment-model';

/**
 * A change caused by a rebuild that switched the assessment model (`projections rebuild` with another model
 * than the live rows'): the same evidence, judged by another model. It has the fields of an event cause, so a
 * consumer holding the schema from before this kind existed still parses the message (the v1 contract is
 * unchanged); this schema pins what tells the kinds apart.
 */
export const ModelUpgradeCauseV1 = z.strictObject({
  /** Id of the switch: the same on every message one rebuild wrote. Not an event id. */
  eventId: z.uuid(),
  eventType: z.literal(MODEL_UPGRADE_CAUSE_TYPE),
  streamId: z.literal(MODEL_UPGRADE_CAUSE_STREAM),
  /** The number of the model switched to (2 for `assessment-model-v2`); `modelVersion` names it. */
  streamVersion: z.number().int().positive(),
  /**
   * Where the switch sits in the log: after every event the rebuild re-assessed, before any later one
   * (`<transaction id of the swap>-0`), so "apply only if `cause.position` is later" keeps working.
   */
  position: FeedLogPosition,
});
export type ModelUpgradeCauseV1 = z.infer<typeof ModelUpgradeCauseV1>;

/**
 * `claim.status-changed.v1`: a claim's published status, credibility rating or confidence band changed.
 * Topic `claims.status.v1`, key = `claimId`; the SSE and paged feeds carry the same object.
 */
export const ClaimStatusChangedV1 = z.strictObject({
  /** Stable id of this change (also `ce_id`): a redelivery carries the same id, so consumers drop duplicates by it. */
  id: z.uuid(),
  claimId: Identifier,
  /** Null when the claim was just asserted. */
  previous: ClaimStatusSnapshotV1.nullable(),
  current: ClaimStatusSnapshotV1,
  changed: z.array(StatusChangeField).min(1),
  /**
   * What moved the headline: an event (`StatusChangeEventCauseV1`), or a switch of the assessment model
   * (`ModelUpgradeCauseV1`: re-assessment, not new evidence). Tell them apart by `eventType`.
   */
  cause: z.union([ModelUpgradeCauseV1, StatusChangeEventCauseV1]),
  /** The assessment model that computed `current` (e.g. `assessment-model-v1`). */
  modelVersion: z.string().min(1).max(100),
  /** When the causing event was recorded. */
  occurredAt: Timestamp,
});
export type ClaimStatusChangedV1 = z.infer<typeof ClaimStatusChangedV1>;

/** One entry of the HTTP feed (SSE `data:` and paged JSON): the change and its place in the feed. */
export const StatusFeedEntryV1 = z.strictObject({
  /** Feed cursor `"<transactionId>-<outboxId>"`; the SSE event id, and `after` for the next page. */
  position: FeedLogPosition,
  type: z.literal('claim.status-changed.v1'),
  message: ClaimStatusChangedV1,
});
export type StatusFeedEntryV1 = z.infer<typeof StatusFeedEntryV1>;

export const StatusFeedQuery = z.strictObject({
  /** Exclusive cursor: a `position` from an earlier page or SSE event. Omitted: the start of the feed. */
  after: FeedLogPosition.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Comma-separated published statuses; only changes *to* one of them. */
  status: z
    .string()
    .max(300)
    .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
    .pipe(z.array(PublishedStatus).min(1))
    .optional(),
  /** Only this claim's changes. */
  claim: Identifier.optional(),
});
export type StatusFeedQuery = z.infer<typeof StatusFeedQuery>;

export const StatusFeedStreamQuery = StatusFeedQuery.omit({ limit: true }).extend({
  /** Where to start without `Last-Event-ID`/`after`: `start` (default) replays the feed, `now` only new changes. */
  from: z.enum(['start', 'now']).default('start'),
  /** The API key, for a browser's EventSource (it cannot send headers). Prefer `Authorization: Bearer`: a URL can end up in logs. */
  access_token: z.string().max(200).optional(),
});
export type StatusFeedStreamQuery = z.infer<typeof StatusFeedStreamQuery>;

export const StatusFeedPageV1 = z.strictObject({
  items: z.array(StatusFeedEntryV1),
  /** Pass as `after` to get the next page (the same cursor when nothing new was readable). */
  next: FeedLogPosition,
  /** True when more entries were readable past `next` at the time of the request. */
  hasMore: z.boolean(),
});
export type StatusFeedPageV1 = z.infer<typeof StatusFeedPageV1>;
