import { ClaimStatusChangedV1, MODEL_UPGRADE_CAUSE_STREAM, MODEL_UPGRADE_CAUSE_TYPE, StatusChangeEventCauseV1 } from '@claims/contracts';
import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2 } from '@claims/domain';
import { compareLogPositions, parseLogPosition, readableHead, type LogPosition } from '@claims/event-store';
import { outboxHead, readOutbox, STATUS_TOPIC } from '@claims/feed';
import { rebuildProjections } from '@claims/projections';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { liveHeadlines, seedModelFixture, seedSahel, type ModelFixture } from '../projections/model-fixtures';

/** The status-changed schema as consumers held it before the model-upgrade cause existed: cause = an event. */
const ClaimStatusChangedBeforeModelUpgrade = ClaimStatusChangedV1.extend({ cause: StatusChangeEventCauseV1 });

/**
 * Switching the assessment model is a rebuild with the new model. The headlines it moves reach the feed as
 * one status change per moved claim, caused by the model upgrade rather than by an event of the claim, and
 * claims the new model leaves where they were get nothing.
 */
describe('a rebuild that switches the assessment model (v1 to v2) on the seeded Sahel store', () => {
  let api: ApiTestApp;
  let fixture: ModelFixture;
  let before: Awaited<ReturnType<typeof liveHeadlines>>;
  let after: Awaited<ReturnType<typeof liveHeadlines>>;
  let messages: ClaimStatusChangedV1[];
  let eventsBefore: number;
  let headBefore: LogPosition;
  let upgradeReport: Awaited<ReturnType<typeof rebuildProjections>>;

  beforeAll(async () => {
    api = await startApiTestApp();
    await seedSahel(api);
    fixture = await seedModelFixture(api);
    // Live writes assess with the current model (v2): a rebuild with v1 puts the store where it stood before v2.
    await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V1 });
    before = await liveHeadlines(api);
    const outboxBefore = await outboxHead(api.db.pool, STATUS_TOPIC);
    eventsBefore = await api.eventCount();
    headBefore = await readableHead(api.db.pool);

    upgradeReport = await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V2 });
    after = await liveHeadlines(api);
    messages = (await readOutbox(api.db.pool, { topic: STATUS_TOPIC, after: outboxBefore, limit: 10_000 })).map((row) => ClaimStatusChangedV1.parse(row.payload));
  });
  afterAll(() => api.close());

  it('rebuilds every claim row with the new model', () => {
    expect([...before.values()].every((row) => row.model === ASSESSMENT_MODEL_V1.modelVersion)).toBe(true);
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect([...after.values()].every((row) => row.model === ASSESSMENT_MODEL_V2.modelVersion)).toBe(true);
    expect(upgradeReport.model).toMatchObject({ modelVersion: ASSESSMENT_MODEL_V2.modelVersion, liveRowsByModel: { [ASSESSMENT_MODEL_V1.modelVersion]: before.size } });
  });

  it('writes one model-upgrade message per claim whose status, rating or band moved, and none for the others', () => {
    const moved = [...after.keys()].filter((claimId) => {
      const [old, now] = [before.get(claimId), after.get(claimId)];
      return old?.status !== now?.status || old?.rating !== now?.rating || old?.band !== now?.band;
    });
    expect(messages.map((message) => message.claimId).sort()).toEqual(moved.sort());
    expect(upgradeReport.model).toMatchObject({ headlineChanges: moved.length, messages: moved.length });
    for (const message of messages) {
      const [old, now] = [before.get(message.claimId), after.get(message.claimId)];
      expect(message).toMatchObject({
        previous: { status: old?.status, credibilityRating: old?.rating, band: old?.band },
        current: { status: now?.status, credibilityRating: now?.rating, band: now?.band },
        modelVersion: ASSESSMENT_MODEL_V2.modelVersion,
      });
    }
  });

  it('turns the dead-zone claim from unverified to contested, and leaves the claim both models agree on alone', () => {
    expect(before.get(fixture.deadZone)).toMatchObject({ status: 'unverified' });
    expect(before.get(fixture.agreed)).toMatchObject({ status: 'corroborated' });
    expect(messages.filter((message) => message.claimId === fixture.deadZone)).toEqual([
      expect.objectContaining({ previous: expect.objectContaining({ status: 'unverified' }), current: expect.objectContaining({ status: 'contested' }), changed: expect.arrayContaining(['status']) }),
    ]);
    expect(messages.filter((message) => message.claimId === fixture.agreed)).toEqual([]);
    expect(after.get(fixture.agreed)).toMatchObject({ status: 'corroborated' });
  });

  it('names the model upgrade as the cause, not an event of the claim, and writes no event', async () => {
    expect(await api.eventCount()).toBe(eventsBefore);
    const upgradeIds = new Set(messages.map((message) => message.cause.eventId));
    // One switch, one id (and at least the dead-zone claim's message to check).
    expect(upgradeIds.size).toBe(1);
    for (const message of messages) {
      expect(message.cause).toMatchObject({ eventType: MODEL_UPGRADE_CAUSE_TYPE, streamId: MODEL_UPGRADE_CAUSE_STREAM, streamVersion: 2 });
      // After every event it re-assessed, so "apply only if cause.position is later" takes it.
      const position = parseLogPosition(message.cause.position);
      expect(position && compareLogPositions(position, headBefore)).toBeGreaterThan(0);
      // A consumer holding the schema from before this cause kind existed still reads it.
      expect(ClaimStatusChangedBeforeModelUpgrade.parse(message)).toEqual(message);
    }
    const { rows } = await api.db.pool.query<{ count: string }>(
      `SELECT count(*) FROM events WHERE event_id = ANY($1::uuid[])`,
      [[...upgradeIds]],
    );
    expect(Number(rows[0].count)).toBe(0);
  });

  it('writes nothing more when the rows already have the model', async () => {
    const head = await outboxHead(api.db.pool, STATUS_TOPIC);
    const again = await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V2 });
    expect(again.model).toMatchObject({ headlineChanges: 0, messages: 0 });
    expect(await readOutbox(api.db.pool, { topic: STATUS_TOPIC, after: head })).toEqual([]);
  });
});
