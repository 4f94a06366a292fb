import { createHash } from 'node:crypto';
import {
  ClaimStatusChangedV1,
  MODEL_UPGRADE_CAUSE_STREAM,
  MODEL_UPGRADE_CAUSE_TYPE,
  type ClaimStatusSnapshotV1,
  type StatusChangeField,
} from '@claims/contracts';
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

/** A name-based UUID (version 5 layout): the same name always gives the same id. */
const nameBasedUuid = (name: string): string => {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * The stable id of the change an event caused on a claim: a name-based UUID (version 5 layout) of both
 * ids, so re-projecting the same event yields the same id and the outbox keeps one row.
 */
export const statusChangeId = (claimId: string, causeEventId: string): string => nameBasedUuid(`claim-ledger:status-change:${claimId}:${causeEventId.toLowerCase()}`);

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

/** A switch of the assessment model on the live projection (a rebuild with another model), as the feed names it. */
export interface ModelUpgrade {
  /** The model switched to, e.g. `assessment-model-v2`. */
  modelVersion: string;
  /** Where the switch sits in the log: after every event re-assessed, before any later one. */
  position: LogPosition;
  /** When the switch was made (the swap's commit). */
  at: Date | string;
}

/**
 * The stable id of one switch (the `cause.eventId` of its messages): a name-based UUID of the model and its
 * place in the log, so the messages of one rebuild share it and another rebuild never does.
 */
export const modelUpgradeId = (upgrade: Pick<ModelUpgrade, 'modelVersion' | 'position'>): string =>
  nameBasedUuid(`claim-ledger:model-upgrade:${upgrade.modelVersion}:${formatLogPosition(upgrade.position)}`);

/** `assessment-model-v2` → 2; a model version without a trailing number counts as 1. */
const modelNumberOf = (modelVersion: string): number => {
  const match = /(\d+)$/.exec(modelVersion);
  return match && Number(match[1]) > 0 ? Number(match[1]) : 1;
};

/**
 * The `claim.status-changed.v1` message for a claim whose headline a model switch moved (cause
 * `AssessmentModelUpgraded`), or undefined when no watched field changed. Validated.
 */
export const toModelUpgradeMessage = (
  change: { claimId: string; before: AssessedStatus; after: AssessedStatus },
  upgrade: ModelUpgrade,
): ClaimStatusChangedV1 | undefined => {
  const changed = changedFields(change.before, change.after);
  if (changed.length === 0) return undefined;
  const upgradeId = modelUpgradeId(upgrade);
  return ClaimStatusChangedV1.parse({
    id: statusChangeId(change.claimId, upgradeId),
    claimId: change.claimId,
    previous: snapshot(change.before),
    current: snapshot(change.after),
    changed,
    cause: {
      eventId: upgradeId,
      eventType: MODEL_UPGRADE_CAUSE_TYPE,
      streamId: MODEL_UPGRADE_CAUSE_STREAM,
      streamVersion: modelNumberOf(upgrade.modelVersion),
      position: formatLogPosition(upgrade.position),
    },
    modelVersion: upgrade.modelVersion,
    occurredAt: (upgrade.at instanceof Date ? upgrade.at : new Date(upgrade.at)).toISOString(),
  });
};
