import { createHash } from 'node:crypto';
import { ClaimStatusChangedV1, type ClaimStatusSnapshotV1, type StatusChangeField } from '@claims/contracts';
import { formatLogPosition, type LogPosition } from '@claims/event-store';

/**
 * The parts of a claim assessment a status change reports. The domain's `ClaimAssessment` has this shape,
 * so the projection passes its assessments as they are.
 */
export interface AssessedStatus {
  publishedStatus: ClaimStatusSnapshotV1['status'];
  credibilityRating: ClaimStatusSnapshotV1['credibilityRating'];
  confidence: number;
  band: ClaimStatusSnapshotV1['band'];
  modelVersion: string;
}

/** What the projection knows when it applies one event to a claim. */
export interface ClaimAssessmentChange {
  claimId: string;
  /** The assessment before the event; null/undefined when the event created the claim. */
  before: AssessedStatus | null | undefined;
  after: AssessedStatus;
  cause: {
    eventId: string;
    eventType: string;
    /** The causing event's stream (the claim's, or a source's for a re-grade). */
    streamId: string;
    /** That stream's version after the event. */
    streamVersion: number;
    /** The event's log position (`AppendResult.lastPosition.transactionId` and its `positions[i]`). */
    position: LogPosition;
    /** When the event was recorded. */
    recordedAt: Date | string;
  };
}

const snapshot = (assessment: AssessedStatus): ClaimStatusSnapshotV1 => ({
  status: assessment.publishedStatus,
  credibilityRating: assessment.credibilityRating,
  confidence: assessment.confidence,
  band: assessment.band,
});

/** The watched fields that differ; every field for a new claim. A confidence move inside its band is no change. */
export const changedFields = (before: AssessedStatus | null | undefined, after: AssessedStatus): StatusChangeField[] => {
  if (!before) return ['status', 'credibilityRating', 'band'];
  const changed: StatusChangeField[] = [];
  if (before.publishedStatus !== after.publishedStatus) changed.push('status');
  if (before.credibilityRating !== after.credibilityRating) changed.push('credibilityRating');
  if (before.band !== after.band) changed.push('band');
  return changed;
};

/**
 * The stable id of the change an event caused on a claim: a name-based UUID (version 5 layout) of both
 * ids, so re-projecting the same event yields the same id and the outbox keeps one row.
 */
export const statusChangeId = (claimId: string, causeEventId: string): string => {
  const bytes = createHash('sha1').update(`claim-ledger:status-change:${claimId}:${causeEventId.toLowerCase()}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The `claim.status-changed.v1` message for a change, or undefined when no watched field changed. Validated. */
export const toStatusChangedMessage = (change: ClaimAssessmentChange): ClaimStatusChangedV1 | undefined => {
  const changed = changedFields(change.before, change.after);
  if (changed.length === 0) return undefined;
  const recordedAt = change.cause.recordedAt;
  return ClaimStatusChangedV1.parse({
    id: statusChangeId(change.claimId, change.cause.eventId),
    claimId: change.claimId,
    previous: change.before ? snapshot(change.before) : null,
    current: snapshot(change.after),
    changed,
    cause: {
      eventId: change.cause.eventId.toLowerCase(),
      eventType: change.cause.eventType,
      streamId: change.cause.streamId,
      streamVersion: change.cause.streamVersion,
      position: formatLogPosition(change.cause.position),
    },
    modelVersion: change.after.modelVersion,
    occurredAt: (recordedAt instanceof Date ? recordedAt : new Date(recordedAt)).toISOString(),
  });
};
