import { ClaimStatusChangedV1, MODEL_UPGRADE_CAUSE_STREAM, MODEL_UPGRADE_CAUSE_TYPE, ModelUpgradeCauseV1, StatusChangeEventCauseV1 } from '@claims/contracts';
import {
  changedFields,
  modelUpgradeId,
  statusChangeId,
  toModelUpgradeMessage,
  toStatusChangedMessage,
  type AssessedStatus,
  type ClaimAssessmentChange,
} from './status-change';

const assessment = (overrides: Partial<AssessedStatus> = {}): AssessedStatus => ({
  publishedStatus: 'unverified',
  credibilityRating: 6,
  confidence: 0.5,
  band: 'roughly_even_chance',
  modelVersion: 'assessment-model-v1',
  ...overrides,
});

const change = (before: AssessedStatus | null, after: AssessedStatus): ClaimAssessmentChange => ({
  claimId: 'claim-kalamba',
  before,
  after,
  cause: {
    eventId: '0D4C3A52-7E0B-4C55-9E2A-1B7F4E8A9C10',
    eventType: 'ClaimCorroborated',
    streamId: 'claim-kalamba',
    streamVersion: 3,
    position: { transactionId: '812', globalPosition: 40 },
    recordedAt: '2023-10-21T08:00:00+01:00',
  },
});

describe('status change detection', () => {
  it('emits nothing when only the confidence moves inside its band', () => {
    expect(changedFields(assessment(), assessment({ confidence: 0.54 }))).toEqual([]);
    expect(toStatusChangedMessage(change(assessment(), assessment({ confidence: 0.54 })))).toBeUndefined();
  });

  it('names each watched field that changed', () => {
    expect(changedFields(assessment(), assessment({ publishedStatus: 'corroborated' }))).toEqual(['status']);
    expect(changedFields(assessment(), assessment({ credibilityRating: 3, band: 'likely', confidence: 0.7 }))).toEqual(['credibilityRating', 'band']);
    expect(changedFields(null, assessment())).toEqual(['status', 'credibilityRating', 'band']);
  });

  it('builds a valid v1 message with the cause, the log position and the model version', () => {
    const message = toStatusChangedMessage(change(assessment(), assessment({ publishedStatus: 'contested', credibilityRating: 4 })));
    expect(ClaimStatusChangedV1.parse(message)).toEqual(message);
    expect(message).toMatchObject({
      claimId: 'claim-kalamba',
      previous: { status: 'unverified', credibilityRating: 6, confidence: 0.5, band: 'roughly_even_chance' },
      current: { status: 'contested', credibilityRating: 4 },
      changed: ['status', 'credibilityRating'],
      cause: { eventId: '0d4c3a52-7e0b-4c55-9e2a-1b7f4e8a9c10', eventType: 'ClaimCorroborated', streamVersion: 3, position: '812-40' },
      modelVersion: 'assessment-model-v1',
      occurredAt: '2023-10-21T07:00:00.000Z',
    });
    expect(toStatusChangedMessage(change(null, assessment()))?.previous).toBeNull();
  });

  it('gives a change a stable id: the same claim and event always, another event never', () => {
    const id = statusChangeId('claim-kalamba', '0d4c3a52-7e0b-4c55-9e2a-1b7f4e8a9c10');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(statusChangeId('claim-kalamba', '0D4C3A52-7E0B-4C55-9E2A-1B7F4E8A9C10')).toBe(id);
    expect(statusChangeId('claim-kalamba', '1d4c3a52-7e0b-4c55-9e2a-1b7f4e8a9c10')).not.toBe(id);
    expect(statusChangeId('claim-other', '0d4c3a52-7e0b-4c55-9e2a-1b7f4e8a9c10')).not.toBe(id);
  });
});

describe('model-upgrade status changes', () => {
  const upgrade = { modelVersion: 'assessment-model-v2', position: { transactionId: '913', globalPosition: 0 }, at: '2026-12-01T20:00:00Z' };
  const v1 = assessment({ modelVersion: 'assessment-model-v1' });
  const v2 = assessment({ publishedStatus: 'contested', credibilityRating: 4, modelVersion: 'assessment-model-v2' });
  /** The schema as consumers held it before the model-upgrade cause existed. */
  const BeforeModelUpgrade = ClaimStatusChangedV1.extend({ cause: StatusChangeEventCauseV1 });

  it('names the model upgrade as the cause, with the new model, and emits nothing when the headline stays', () => {
    const message = toModelUpgradeMessage({ claimId: 'claim-tessit', before: v1, after: v2 }, upgrade);
    expect(message).toMatchObject({
      claimId: 'claim-tessit',
      previous: { status: 'unverified', credibilityRating: 6 },
      current: { status: 'contested', credibilityRating: 4 },
      changed: ['status', 'credibilityRating'],
      cause: { eventId: modelUpgradeId(upgrade), eventType: MODEL_UPGRADE_CAUSE_TYPE, streamId: MODEL_UPGRADE_CAUSE_STREAM, streamVersion: 2, position: '913-0' },
      modelVersion: 'assessment-model-v2',
      occurredAt: '2026-12-01T20:00:00.000Z',
    });
    expect(toModelUpgradeMessage({ claimId: 'claim-tessit', before: v1, after: { ...v1, modelVersion: 'assessment-model-v2' } }, upgrade)).toBeUndefined();
  });

  it('parses with the current schema and with the schema from before the cause kind existed', () => {
    const message = toModelUpgradeMessage({ claimId: 'claim-tessit', before: v1, after: v2 }, upgrade);
    expect(ClaimStatusChangedV1.parse(message)).toEqual(message);
    expect(BeforeModelUpgrade.parse(message)).toEqual(message);
    // The current schema pins the kind: a model-upgrade cause names the model, not a stream of the log.
    expect(ModelUpgradeCauseV1.parse(message?.cause)).toEqual(message?.cause);
    expect(ModelUpgradeCauseV1.safeParse({ ...message?.cause, streamId: 'claim-tessit' }).success).toBe(false);
  });

  it('gives one switch one id, shared by its messages, and each claim its own message id', () => {
    const first = toModelUpgradeMessage({ claimId: 'claim-a', before: v1, after: v2 }, upgrade);
    const second = toModelUpgradeMessage({ claimId: 'claim-b', before: v1, after: v2 }, upgrade);
    const later = toModelUpgradeMessage({ claimId: 'claim-a', before: v1, after: v2 }, { ...upgrade, position: { transactionId: '990', globalPosition: 0 } });
    expect(first?.cause.eventId).toBe(second?.cause.eventId);
    expect(first?.id).not.toBe(second?.id);
    expect(later?.cause.eventId).not.toBe(first?.cause.eventId);
    expect(later?.id).not.toBe(first?.id);
  });
});
