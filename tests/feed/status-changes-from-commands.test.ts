import { randomUUID } from 'node:crypto';
import { ClaimStatusChangedV1 } from '@claims/contracts';
import { compareLogPositions, parseLogPosition } from '@claims/event-store';
import { FeedRelay, STATUS_TOPIC, topicName } from '@claims/feed';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { recordingLogger, testBrokers, testFeedConfig, TopicCollector } from './feed-test-kit';

interface Headline {
  status: string;
  rating: number;
  band: string;
}

/**
 * The whole path a user's report takes to a downstream consumer: HTTP command → event + projection + outbox
 * row in one transaction → relay → Kafka. The expectation is derived from what the API itself answered:
 * one message each time the claim's published status, rating or band moved, and no other.
 */
describe('status changes caused by API commands reach Kafka', () => {
  let api: ApiTestApp;
  let relay: FeedRelay;
  let collector: TopicCollector;
  const config = testFeedConfig();

  beforeAll(async () => {
    api = await startApiTestApp();
    relay = new FeedRelay({ pool: api.db.pool, log: api.store, kafka: config, logger: recordingLogger(), pollIntervalMs: 100 });
    relay.start();
    collector = new TopicCollector(testBrokers(), [topicName(config, STATUS_TOPIC)]);
  });
  afterAll(async () => {
    await collector?.stop();
    await relay?.stop();
    await api?.close();
  });

  it('emits exactly one message per headline change, in order, with the causing event (a re-grade included)', async () => {
    const independentA = await registerSource(api, { name: `Wire ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'wire_agency' });
    const independentB = await registerSource(api, { name: `Research ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'research_organisation' });
    const disputer = await registerSource(api, { name: `Ministry ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'government_or_military' });

    const headlineOf = (body: { assessment: { publishedStatus: string; credibilityRating: number; band: string } }): Headline => ({
      status: body.assessment.publishedStatus,
      rating: body.assessment.credibilityRating,
      band: body.assessment.band,
    });
    const expected: Array<{ headline: Headline; causeStream: string }> = [];
    let last: Headline | undefined;
    const observe = async (claimId: string, causeStream: string) => {
      const { body } = await api.http().get(`/claims/${claimId}`).expect(200);
      const headline = headlineOf(body);
      if (JSON.stringify(headline) !== JSON.stringify(last)) expected.push({ headline, causeStream });
      last = headline;
    };

    const opened = await api.http().post('/claims').send(openClaimBody(independentA)).expect(201);
    const claimId: string = opened.body.id;
    const claimStream = `claim-${claimId}`;
    await observe(claimId, claimStream);
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(independentB) }).expect(201);
    await observe(claimId, claimStream);
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'disputes', reason: 'denies any executions took place', report: report(disputer) }).expect(201);
    await observe(claimId, claimStream);
    await api.http().put(`/sources/${disputer}/reliability`).send({ reliability: 'E', reason: 'repeated false denials' }).expect(200);
    await observe(claimId, `source-${disputer}`);
    await api.http().put(`/claims/${claimId}/verdict`).send({ verdict: 'confirmed', rationale: 'geolocated video and two independent accounts' }).expect(200);
    await observe(claimId, claimStream);

    expect(expected.length).toBeGreaterThanOrEqual(4);
    const outbox = await api.db.pool.query('SELECT count(*)::int AS n FROM feed_outbox WHERE message_key = $1', [claimId]);
    expect(outbox.rows[0].n).toBe(expected.length);

    await collector.start();
    const messages = await collector.waitFor((all) => all.filter((message) => message.key === claimId).length >= expected.length, 60_000, 'the claim status changes');
    const received = messages.filter((message) => message.key === claimId).map((message) => ClaimStatusChangedV1.parse(JSON.parse(message.value)));
    expect(received).toHaveLength(expected.length);
    expect(received.map((message) => ({ headline: { status: message.current.status, rating: message.current.credibilityRating, band: message.current.band }, causeStream: message.cause.streamId }))).toEqual(expected);
    expect(received[0].previous).toBeNull();
    for (let index = 1; index < received.length; index++) {
      expect(received[index].previous).toEqual(received[index - 1].current);
      expect(compareLogPositions(parseLogPosition(received[index].cause.position)!, parseLogPosition(received[index - 1].cause.position)!)).toBeGreaterThan(0);
    }
  });
});
