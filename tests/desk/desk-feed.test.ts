import { DomainEventMessageV1 } from '@claims/contracts';
import { EVENTS_TOPIC, FeedRelay, STATUS_TOPIC, topicName } from '@claims/feed';
import { openClaimBody, registerSource } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { recordingLogger, testBrokers, testFeedConfig, TopicCollector } from '../feed/feed-test-kit';

const WORK_TYPES = ['ClaimAssigned', 'WorkStateChanged', 'ChecklistSeeded', 'TaskTicked', 'CommentPosted', 'ClaimUnassigned'];

/** Work changes reach Kafka on the events topic, keyed by claim, and never the status topic. */
describe('desk work events on the feed', () => {
  let api: ApiTestApp;
  let relay: FeedRelay;
  let events: TopicCollector;
  let statuses: TopicCollector;
  const config = testFeedConfig();

  beforeAll(async () => {
    api = await startApiTestApp();
    relay = new FeedRelay({ pool: api.db.pool, log: api.store, kafka: config, logger: recordingLogger(), pollIntervalMs: 100 });
    relay.start();
    events = new TopicCollector(testBrokers(), [topicName(config, EVENTS_TOPIC)]);
    statuses = new TopicCollector(testBrokers(), [topicName(config, STATUS_TOPIC)]);
  });
  afterAll(async () => {
    await events?.stop();
    await statuses?.stop();
    await relay?.stop();
    await api?.close();
  });

  it('publishes each work event to claims.events.v1 in order, attributed; the status topic and outbox get nothing from them', async () => {
    const sourceId = await registerSource(api, { name: 'Sahel Daily', reliability: 'C' });
    const claimId = (await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201)).body.id as string;
    const outbox = async () => Number((await api.db.pool.query('SELECT count(*) FROM feed_outbox WHERE message_key = $1', [claimId])).rows[0].count);
    const outboxBefore = await outbox();

    await api.as('analyst').put(`/claims/${claimId}/assignment`).set('X-Correlation-Id', 'desk-1').send({ assignee: api.keys.analyst.id }).expect(200);
    await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'in_progress' }).expect(200);
    await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: true }).expect(200);
    await api.as('analyst').post(`/claims/${claimId}/comments`).send({ body: 'Matches the market square' }).expect(201);
    await api.as('analyst').delete(`/claims/${claimId}/assignment`).expect(200);
    expect(await outbox()).toBe(outboxBefore);

    await events.start();
    const received = await events.waitFor(
      (messages) => messages.filter((message) => message.key === claimId).length >= 1 + WORK_TYPES.length,
      60_000,
      'the claim event and its six work events',
    );
    const mine = received.filter((message) => message.key === claimId).map((message) => ({ headers: message.headers, payload: DomainEventMessageV1.parse(JSON.parse(message.value)) }));
    expect(mine.map(({ payload }) => payload.type)).toEqual(['ClaimAsserted', ...WORK_TYPES]);
    const work = mine.slice(1);
    expect(work.map(({ payload }) => [payload.streamId, payload.streamVersion])).toEqual(WORK_TYPES.map((_, index) => [`work-${claimId}`, index + 1]));
    expect(work[0].headers).toMatchObject({ ce_type: 'org.claim-ledger.event.ClaimAssigned.v1', ce_subject: claimId });
    expect(work[0].payload).toMatchObject({ subject: claimId, correlationId: 'desk-1', data: { claimId, assignee: api.keys.analyst.id, previousAssignee: null, recordedBy: api.keys.analyst.id } });
    expect(work[4].payload.data).toMatchObject({ body: 'Matches the market square', recordedBy: api.keys.analyst.id });

    await statuses.start();
    expect(outboxBefore).toBeGreaterThan(0);
    const statusMessages = await statuses.waitFor((messages) => messages.filter((message) => message.key === claimId).length >= outboxBefore, 60_000, "the claim's status changes");
    expect(statusMessages.filter((message) => message.key === claimId).every((message) => !WORK_TYPES.some((type) => message.value.includes(`"${type}"`)))).toBe(true);
    expect(statusMessages.filter((message) => message.key === claimId)).toHaveLength(outboxBefore);
  });
});
