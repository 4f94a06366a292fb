import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { EVENTS_TOPIC, STATUS_TOPIC } from '@claims/feed';
import { waitUntil } from '@claims/testing';
import { testBrokers, TopicCollector } from '../feed/feed-test-kit';
import { expectedContent, type AcknowledgedWrite } from './write-workload';

/** Environment for a service process that relays to the run's Kafka broker, on topics of its own. */
export const relayEnvironment = () => {
  const prefix = `faults-${randomBytes(4).toString('hex')}.`;
  return {
    env: { KAFKA_BROKERS: testBrokers(), KAFKA_TOPIC_PREFIX: prefix, KAFKA_STATUS_PARTITIONS: '2', KAFKA_EVENTS_PARTITIONS: '2', FEED_RELAY: 'on' },
    statusTopic: `${prefix}${STATUS_TOPIC}`,
    eventsTopic: `${prefix}${EVENTS_TOPIC}`,
  };
};

/** A consumer of both topics of `relayEnvironment()`, started once the relay created them. */
export const collectTopics = async (topics: { statusTopic: string; eventsTopic: string }): Promise<TopicCollector> => {
  const collector = new TopicCollector(testBrokers(), [topics.statusTopic, topics.eventsTopic]);
  await collector.start();
  return collector;
};

/**
 * Checks the store against the acknowledged writes: every acknowledged source and claim is there exactly
 * once (no stream a retry created twice), each claim's stream holds exactly its acknowledged commands
 * (none lost, none applied twice), and the claim the API serves is at that version with those reports.
 */
export const expectAcknowledgedWritesStoredOnce = async (pool: Pool, baseUrl: string, authorization: string, acknowledged: AcknowledgedWrite[]): Promise<void> => {
  const { sources, claims } = expectedContent(acknowledged);
  const { rows } = await pool.query<{ stream_id: string; events: number; last: number }>(
    `SELECT stream_id, count(*)::int AS events, max(stream_version)::int AS last FROM events
      WHERE stream_id LIKE 'source-%' OR stream_id LIKE 'claim-%' GROUP BY stream_id`,
  );
  const storedSources = rows.filter((row) => row.stream_id.startsWith('source-')).map((row) => row.stream_id.slice('source-'.length));
  expect(new Set(storedSources)).toEqual(sources);
  const storedClaims = new Map(rows.filter((row) => row.stream_id.startsWith('claim-')).map((row) => [row.stream_id.slice('claim-'.length), row]));
  expect(new Set(storedClaims.keys())).toEqual(new Set(claims.keys()));
  for (const [claimId, expected] of claims) {
    const stored = storedClaims.get(claimId)!;
    expect({ claimId, events: stored.events, version: stored.last }).toEqual({ claimId, events: expected.events, version: expected.version });
  }
  // Read back through the API, as a client would: a sample keeps this bounded on a long run.
  const sample = [...claims].filter((_, index) => index % 5 === 0);
  for (const [claimId, expected] of sample) {
    const response = await fetch(`${baseUrl}/claims/${claimId}`, { headers: { authorization } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { version: number; reports: unknown[] };
    expect({ claimId, version: body.version, reports: body.reports.length }).toEqual({ claimId, version: expected.version, reports: expected.events });
  }
};

/**
 * Waits until the outbox is drained, then checks Kafka against it: every status change reached the topic
 * (deduplicated by `ce_id`, as consumers do), and nothing else did; every event of the log reached the
 * events topic.
 */
export const expectFeedsDelivered = async (pool: Pool, collector: TopicCollector, topics: { statusTopic: string; eventsTopic: string }): Promise<void> => {
  await waitUntil(async () => (await pool.query<{ pending: number }>('SELECT count(*)::int AS pending FROM feed_outbox WHERE published_at IS NULL')).rows[0].pending === 0, {
    timeoutMs: 90_000,
    intervalMs: 200,
    what: 'the outbox to drain',
  });
  const outbox = new Set((await pool.query<{ id: string }>('SELECT message_id::text AS id FROM feed_outbox')).rows.map((row) => row.id));
  const eventIds = new Set((await pool.query<{ id: string }>("SELECT event_id::text AS id FROM events WHERE stream_id LIKE 'source-%' OR stream_id LIKE 'claim-%'")).rows.map((row) => row.id));
  const received = (topic: string) => new Set(collector.messages.filter((message) => message.topic === topic).map((message) => message.headers.ce_id));
  await collector.waitFor(() => received(topics.statusTopic).size >= outbox.size && received(topics.eventsTopic).size >= eventIds.size, 90_000, 'every status change and event on Kafka');
  expect(received(topics.statusTopic)).toEqual(outbox);
  expect(received(topics.eventsTopic)).toEqual(eventIds);
};

/** `/audit/verify` on the whole log: intact. */
export const expectLogIntact = async (baseUrl: string, auditor: string): Promise<void> => {
  const response = await fetch(`${baseUrl}/audit/verify`, { headers: { authorization: auditor } });
  const body = (await response.json()) as { intact: boolean };
  expect({ status: response.status, intact: body.intact }).toEqual({ status: 200, intact: true });
};

/** Lines of the service's output that say it crashed or lost track of an error. */
export const crashLines = (output: string): string[] => output.split('\n').filter((line) => /Unhandled 'error' event|uncaughtException|unhandledRejection|UnhandledPromiseRejection/.test(line));
