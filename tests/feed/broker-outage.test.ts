import { randomBytes } from 'node:crypto';
import { FeedRelay, outboxBacklog, STATUS_TOPIC, topicName, type FeedKafkaConfig } from '@claims/feed';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';
import { containerRuntimeAvailable } from '../support/container-runtime';
import { startContainerKafka, startScriptKafka, type TestKafka } from '../support/kafka-server';
import { assessed, idsByKey, recordingLogger, ScriptedProjection, TopicCollector } from './feed-test-kit';

const BANDS = ['almost_no_chance', 'very_unlikely', 'unlikely', 'roughly_even_chance', 'likely', 'very_likely', 'almost_certain'] as const;

/**
 * A broker of this test's own (kafka.sh on 19092/19093, or a container it pauses), so stopping it leaves
 * the run's shared broker alone.
 */
describe('a broker outage', () => {
  let kafka: TestKafka;
  let db: TestDatabase;
  let config: FeedKafkaConfig;
  let relay: FeedRelay;
  let collector: TopicCollector | undefined;
  const logger = recordingLogger();

  beforeAll(async () => {
    kafka = (await containerRuntimeAvailable()) ? await startContainerKafka() : await startScriptKafka({ port: 19092, controllerPort: 19093 });
    db = await createTestDatabase();
    config = { brokers: kafka.brokers.split(','), clientId: 'claim-ledger-outage-test', topicPrefix: `outage-${randomBytes(3).toString('hex')}.`, statusPartitions: 3 };
    relay = new FeedRelay({ pool: db.pool, kafka: config, logger, pollIntervalMs: 200, maxBackoffMs: 2000 });
    relay.start();
  }, 300_000);
  afterAll(async () => {
    await collector?.stop();
    await relay?.stop();
    await db?.drop();
    await kafka?.stop();
  }, 120_000);

  it('lets the outbox grow while the broker is down and delivers everything once it is back', async () => {
    const claims = Array.from({ length: 10 }, (_, index) => `claim-outage-${index}`);
    const projection = new ScriptedProjection(db.pool);
    const sent = new Map<string, string[]>();
    const write = async (rounds: number, offset: number) => {
      for (let round = 0; round < rounds; round++) {
        const changes = claims.map((claimId) => [claimId, assessed('unverified', 6, 0.5, BANDS[(offset + round) % BANDS.length])] as [string, ReturnType<typeof assessed>]);
        const ids = await projection.step(changes);
        ids.forEach((id, index) => sent.set(claims[index], [...(sent.get(claims[index]) ?? []), id]));
      }
    };

    await write(10, 0);
    await waitUntil(async () => (await outboxBacklog(db.pool)).pending === 0, { timeoutMs: 60_000, intervalMs: 100, what: 'the first messages to be published' });

    await kafka.pause();
    await write(50, 10);
    await waitUntil(() => relay.status().status.failedAttempts > 0, { timeoutMs: 60_000, intervalMs: 100, what: 'the relay to notice the outage' });
    const during = await outboxBacklog(db.pool);
    expect(during.pending).toBe(500);
    expect(relay.status().status.lastError).toMatch(/ECONNREFUSED|connection|broker|timed? ?out/i);
    expect(logger.lines.some((line) => line.message === 'feed relay: publishing failed; retrying the same messages')).toBe(true);

    await kafka.resume();
    await waitUntil(async () => (await outboxBacklog(db.pool)).pending === 0, { timeoutMs: 120_000, intervalMs: 100, what: 'the backlog to drain after the broker returned' });
    expect(relay.status()).toMatchObject({ state: 'active', status: { failedAttempts: 0 } });

    const total = [...sent.values()].flat().length;
    expect(total).toBe(600);
    collector = new TopicCollector(kafka.brokers, [topicName(config, STATUS_TOPIC)]);
    await collector.start();
    await collector.waitFor((messages) => new Set(messages.map((message) => message.headers.ce_id)).size >= total, 120_000, `${total} distinct changes`);
    const received = idsByKey(collector.messages);
    for (const claimId of claims) {
      const ids = received.get(claimId) ?? [];
      expect(ids.filter((id, index) => ids.indexOf(id) === index)).toEqual(sent.get(claimId));
    }
  });
});
