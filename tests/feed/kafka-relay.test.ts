import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage } from 'cloudevents';
import { ClaimStatusChangedV1, DomainEventMessageV1 } from '@claims/contracts';
import { PgEventStore } from '@claims/event-store';
import { EVENTS_TOPIC, FeedRelay, outboxBacklog, STATUS_TOPIC, topicName, type FeedKafkaConfig } from '@claims/feed';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';
import { assessed, idsByKey, recordingLogger, ScriptedProjection, testBrokers, testFeedConfig, TopicCollector, type ReceivedMessage } from './feed-test-kit';

const run = promisify(execFile);

describe('the feed relay against a real Kafka broker', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let config: FeedKafkaConfig;
  let relay: FeedRelay;
  let statusTopic: string;
  const expected = new Map<string, string[]>();
  let collector: TopicCollector;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    config = testFeedConfig();
    statusTopic = topicName(config, STATUS_TOPIC);
    relay = new FeedRelay({ pool: db.pool, log: store, kafka: config, logger: recordingLogger(), pollIntervalMs: 200 });
    relay.start();

    // The script: three claims moving through statuses, confidence moves that stay in their band (no
    // message), several claims in one transaction, and a rolled-back transaction (no message).
    const projection = new ScriptedProjection(db.pool);
    const record = (ids: string[], claims: string[]) => ids.forEach((id, index) => expected.set(claims[index], [...(expected.get(claims[index]) ?? []), id]));
    const [a, b, c] = ['claim-a', 'claim-b', 'claim-c'].map((name) => `${name}-${randomUUID().slice(0, 8)}`);
    record(await projection.step([[a, assessed('unverified', 6, 0.5, 'roughly_even_chance')]]), [a]);
    record(await projection.step([[b, assessed('unverified', 6, 0.5, 'roughly_even_chance')], [c, assessed('unverified', 6, 0.5, 'roughly_even_chance')]]), [b, c]);
    expect(await projection.step([[a, assessed('unverified', 6, 0.52, 'roughly_even_chance')]])).toEqual([]);
    record(await projection.step([[a, assessed('corroborated', 3, 0.7, 'likely')]]), [a]);
    expect(await projection.step([[b, assessed('disputed', 5, 0.1, 'very_unlikely')]], { rollback: true })).toEqual([]);
    record(await projection.step([[b, assessed('contested', 4, 0.45, 'roughly_even_chance')]]), [b]);
    record(await projection.step([[a, assessed('corroborated', 2, 0.82, 'very_likely')], [c, assessed('disputed', 5, 0.12, 'very_unlikely')]]), [a, c]);
    record(await projection.step([[b, assessed('contested', 4, 0.46, 'likely')]]), [b]);
    record(await projection.step([[a, assessed('confirmed', 1, 0.82, 'very_likely')]]), [a]);
    record(await projection.step([[c, assessed('false', 5, 0.12, 'very_unlikely')]]), [c]);

    collector = new TopicCollector(testBrokers(), [statusTopic]);
    await collector.start();
    const total = [...expected.values()].flat().length;
    await collector.waitFor((messages) => messages.length >= total, 60_000, `${total} status changes`);
  });

  afterAll(async () => {
    await collector?.stop();
    await relay?.stop();
    await store?.close();
    await db?.drop();
  });

  it('delivers exactly the scripted status changes, in order per claim, keyed by claim id', async () => {
    const total = [...expected.values()].flat().length;
    expect(total).toBe(10);
    // The relay has written everything it was given (its outbox is drained): the broker's offsets say whether
    // it wrote anything twice, and the collector has read up to them.
    expect(await outboxBacklog(db.pool)).toEqual({ pending: 0, oldestPendingAt: null });
    expect(await collector.storedCount()).toBe(total);
    expect(collector.messages).toHaveLength(total);
    expect(idsByKey(collector.messages)).toEqual(expected);
    for (const message of collector.messages) {
      const payload = ClaimStatusChangedV1.parse(JSON.parse(message.value));
      expect(message.key).toBe(payload.claimId);
      expect(message.headers.ce_id).toBe(payload.id);
    }
    const a = [...expected.keys()][0];
    const ofA = collector.messages.filter((message) => message.key === a).map((message) => JSON.parse(message.value) as ClaimStatusChangedV1);
    expect(ofA.map((message) => [message.previous?.status ?? null, message.current.status, message.changed])).toEqual([
      [null, 'unverified', ['status', 'credibilityRating', 'band']],
      ['unverified', 'corroborated', ['status', 'credibilityRating', 'band']],
      ['corroborated', 'corroborated', ['credibilityRating', 'band']],
      ['corroborated', 'confirmed', ['status', 'credibilityRating']],
    ]);
    expect(await outboxBacklog(db.pool)).toEqual({ pending: 0, oldestPendingAt: null });
    expect(relay.status()).toMatchObject({ state: 'active', status: { published: total, failedAttempts: 0 } });
  });

  it('sends CloudEvents 1.0 in Kafka binary mode, as the cloudevents SDK reads them', () => {
    for (const message of collector.messages) {
      const kafkaMessage: KafkaMessage = { key: message.key, value: message.value, headers: message.headers, timestamp: message.timestamp, body: message.value };
      const parsed = CloudEventsKafka.toEvent(kafkaMessage) as CloudEvent<unknown> | CloudEvent<unknown>[];
      expect(Array.isArray(parsed)).toBe(false);
      const event = parsed as CloudEvent<unknown>;
      expect(event.validate()).toBe(true);
      const payload = JSON.parse(message.value) as ClaimStatusChangedV1;
      expect(event).toMatchObject({
        specversion: '1.0',
        id: payload.id,
        source: 'urn:claim-ledger',
        type: 'org.claim-ledger.claim.status-changed.v1',
        subject: payload.claimId,
        datacontenttype: 'application/json',
        time: payload.occurredAt,
      });
      expect(event.data).toEqual(payload);
    }
  });

  it('kcat reads the same messages and headers from the topic', async () => {
    const messages = await kcatConsume(testBrokers(), statusTopic, collector.messages.length);
    const sortKey = (message: { partition: number; offset: string | number }) => `${message.partition}:${String(message.offset).padStart(12, '0')}`;
    const fromKafkajs = [...collector.messages].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    const fromKcat = [...messages].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    expect(fromKcat.map((message) => ({ key: message.key, value: message.value, headers: message.headers }))).toEqual(
      fromKafkajs.map((message) => ({ key: message.key, value: message.value, headers: message.headers })),
    );
    expect(Object.keys(fromKcat[0].headers).sort()).toEqual(['ce_id', 'ce_source', 'ce_specversion', 'ce_subject', 'ce_time', 'ce_type', 'content-type']);
  });

  it('publishes every domain event to claims.events.v1 in log order per stream, and checkpoints after the ack', async () => {
    const sourceId = `src-${randomUUID().slice(0, 8)}`;
    const claimId = `claim-${randomUUID().slice(0, 8)}`;
    const now = new Date().toISOString();
    const by = 'editor-1';
    await store.append(`source-${sourceId}`, [
      { eventId: randomUUID(), type: 'SourceRegistered', data: { sourceId, name: 'Wire', kind: 'wire_agency', reliability: 'B', recordedAt: now, recordedBy: by } },
    ]);
    await store.append(`note-${randomUUID()}`, [{ eventId: randomUUID(), type: 'NoteWritten', data: { text: 'not a domain event' } }]);
    const regraded = await store.append(`source-${sourceId}`, [
      { eventId: randomUUID(), type: 'SourceReliabilityRegraded', data: { sourceId, previousReliability: 'B', reliability: 'A', reason: 'track record', recordedAt: now, recordedBy: by } },
      { eventId: randomUUID(), type: 'SourceReliabilityRegraded', data: { sourceId, previousReliability: 'A', reliability: 'C', reason: 'second thoughts', recordedAt: now, recordedBy: by } },
    ]);
    await store.append(`claim-${claimId}`, [
      { eventId: randomUUID(), type: 'ClaimVerdictIssued', data: { claimId, verdict: 'unverifiable', rationale: 'no access', recordedAt: now, recordedBy: by }, metadata: { correlationId: 'corr-1' } },
    ]);

    const events = new TopicCollector(testBrokers(), [topicName(config, EVENTS_TOPIC)]);
    await events.start();
    try {
      const received = await events.waitFor((messages) => messages.length >= 4, 60_000, '4 domain events');
      const payloads = received.map((message) => DomainEventMessageV1.parse(JSON.parse(message.value)));
      expect(payloads.filter((payload) => payload.subject === sourceId).map((payload) => [payload.type, payload.streamVersion])).toEqual([
        ['SourceRegistered', 1],
        ['SourceReliabilityRegraded', 2],
        ['SourceReliabilityRegraded', 3],
      ]);
      const verdict = received.find((message) => message.key === claimId)!;
      expect(verdict.headers).toMatchObject({ ce_type: 'org.claim-ledger.event.ClaimVerdictIssued.v1', ce_subject: claimId, ce_specversion: '1.0' });
      expect(JSON.parse(verdict.value)).toMatchObject({ type: 'ClaimVerdictIssued', correlationId: 'corr-1', data: { claimId, verdict: 'unverifiable' } });
      expect(received.some((message) => message.value.includes('NoteWritten'))).toBe(false);
      expect(received).toHaveLength(4);
      // The checkpoint only moves once the broker has the events.
      await waitUntil(
        async () => {
          const { rows } = await db.pool.query('SELECT global_position FROM subscription_checkpoints WHERE name = $1', [relay.eventsCheckpointName]);
          return Number(rows[0]?.global_position) >= regraded.positions[1];
        },
        { timeoutMs: 60_000, intervalMs: 100, what: "the relay's events checkpoint to pass the re-grade" },
      );
    } finally {
      await events.stop();
    }
  });

  it('publishes a committed change while an older transaction is still open (it waits for no watermark)', async () => {
    // An older transaction with an id, left open: the log's watermark stays below it until it ends.
    const older = await db.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      const claimId = `claim-open-elder-${randomUUID().slice(0, 8)}`;
      const [id] = await new ScriptedProjection(db.pool).step([[claimId, assessed('unverified', 6, 0.5, 'roughly_even_chance')]]);
      await collector.waitFor((messages) => messages.some((message) => message.key === claimId), 15_000, 'the change committed after the open transaction began');
      expect(collector.messages.filter((message) => message.key === claimId).map((message) => message.headers.ce_id)).toEqual([id]);
      // The older transaction is still open: the message did not wait for it.
      const { rows } = await older.query<{ open: boolean }>('SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS open');
      expect(rows[0].open).toBe(true);
    } finally {
      await older.query('ROLLBACK').catch(() => undefined);
      older.release();
    }
  });

  it('runs one active relay per database: a second one stands by and takes over, with per-claim order intact', async () => {
    const standby = new FeedRelay({ pool: db.pool, kafka: config, logger: recordingLogger(), pollIntervalMs: 200, standbyRetryMs: 200 });
    standby.start();
    try {
      await waitUntil(() => standby.status().state === 'standby', { intervalMs: 100, what: 'the second relay to stand by' });
      const projection = new ScriptedProjection(db.pool);
      const claims = Array.from({ length: 5 }, (_, index) => `claim-handover-${index}-${randomUUID().slice(0, 6)}`);
      const sent = new Map<string, string[]>();
      const bands = ['almost_no_chance', 'very_unlikely', 'unlikely', 'roughly_even_chance', 'likely', 'very_likely', 'almost_certain'] as const;
      const writes = (async () => {
        for (let round = 0; round < 40; round++) {
          const changes = claims.map((claimId) => [claimId, assessed('unverified', 6, 0.5, bands[round % bands.length])] as [string, ReturnType<typeof assessed>]);
          const ids = await projection.step(changes);
          ids.forEach((id, index) => sent.set(claims[index], [...(sent.get(claims[index]) ?? []), id]));
          if (round === 15) await relay.stop(); // hand over mid-stream
        }
      })();
      await writes;
      await waitUntil(() => standby.status().state === 'active', { timeoutMs: 15_000, intervalMs: 100, what: 'the standby to take over' });
      await waitUntil(async () => (await outboxBacklog(db.pool)).pending === 0, { timeoutMs: 60_000, intervalMs: 100, what: 'the outbox to drain' });
      const total = [...sent.values()].flat().length;
      await collector.waitFor((messages) => messages.filter((message) => claims.includes(message.key)).length >= total, 60_000, `${total} handover messages`);
      const received = idsByKey(collector.messages.filter((message) => claims.includes(message.key)));
      for (const claimId of claims) expect(dedupe(received.get(claimId) ?? [])).toEqual(sent.get(claimId));
    } finally {
      await standby.stop();
    }
  });
});

const dedupe = (ids: string[]): string[] => ids.filter((id, index) => ids.indexOf(id) === index);

interface KcatMessage {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning with kcat (JSON envelope); fails clearly when kcat is not installed. */
export const kcatConsume = async (brokers: string, topic: string, count: number): Promise<KcatMessage[]> => {
  try {
    await run('sh', ['-c', 'command -v kcat']);
  } catch {
    throw new Error('kcat is not installed: this test reads the topic with kcat. Install it (apt-get install -y kcat; .ci/run does it in CI).');
  }
  const { stdout } = await run('kcat', ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-c', String(count), '-e', '-J', '-q'], { timeout: 60_000 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const json = JSON.parse(line) as { partition: number; offset: number; key: string; payload: string; headers?: string[] };
      const headers: Record<string, string> = {};
      for (let index = 0; index + 1 < (json.headers ?? []).length; index += 2) headers[json.headers![index]] = json.headers![index + 1];
      return { partition: json.partition, offset: json.offset, key: json.key, value: json.payload, headers };
    });
};

export type { ReceivedMessage };
