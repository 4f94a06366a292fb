import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Pool } from 'pg';
import type { CredibilityRating, Icd203Band, PublishedStatus } from '@claims/contracts';
import { type AssessedStatus, type ClaimAssessmentChange, enqueueStatusChange, type FeedKafkaConfig } from '@claims/feed';
import { waitUntil } from '@claims/testing';

/** The run's broker (tests/support/global-setup.ts). */
export const testBrokers = (): string => {
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set: run the feed tests through jest (its global setup starts Kafka)');
  return brokers;
};

/** Topics of their own for one test file, on the shared broker. */
export const testFeedConfig = (brokers = testBrokers()): FeedKafkaConfig => ({
  brokers: brokers.split(','),
  clientId: 'claim-ledger-test',
  topicPrefix: `test-${randomBytes(4).toString('hex')}.`,
  statusPartitions: 3,
  eventsPartitions: 3,
});

export const assessed = (status: PublishedStatus, credibilityRating: CredibilityRating, confidence: number, band: Icd203Band): AssessedStatus => ({
  publishedStatus: status,
  credibilityRating,
  confidence,
  band,
  modelVersion: 'assessment-model-v1',
});

let fakePosition = 1;

/**
 * Drives the outbox the way the claim projection will: one transaction per step, enqueueing the change
 * (or nothing, when no watched field moved) for each claim the step touches.
 */
export class ScriptedProjection {
  private readonly current = new Map<string, AssessedStatus>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly pool: Pool) {}

  /** Applies assessments to claims in one transaction; returns the message ids enqueued. Rolls back when `rollback`. */
  async step(changes: Array<[claimId: string, after: AssessedStatus]>, options: { rollback?: boolean } = {}): Promise<string[]> {
    const client = await this.pool.connect();
    const ids: string[] = [];
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      for (const [claimId, after] of changes) {
        const change: ClaimAssessmentChange = {
          claimId,
          before: this.current.get(claimId) ?? null,
          after,
          cause: {
            eventId: randomUUID(),
            eventType: 'ClaimCorroborated',
            streamId: `claim-${claimId}`,
            streamVersion: (this.versions.get(claimId) ?? 0) + 1,
            position: { transactionId: rows[0].xid, globalPosition: fakePosition++ },
            recordedAt: new Date(),
          },
        };
        const message = await enqueueStatusChange(client, change);
        if (message) ids.push(message.id);
        if (!options.rollback) {
          this.current.set(claimId, after);
          this.versions.set(claimId, change.cause.streamVersion);
        }
      }
      await client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
      return options.rollback ? [] : ids;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  timestamp: string;
  headers: Record<string, string>;
}

/** A kafkajs consumer (its own group, from the beginning) that keeps everything it receives. */
export class TopicCollector {
  readonly messages: ReceivedMessage[] = [];
  private readonly consumer: Consumer;
  private readonly kafka: Kafka;
  private readonly waiters = new Set<() => void>();

  constructor(brokers: string, private readonly topics: string[]) {
    const kafka = new Kafka({ clientId: 'claim-ledger-test-consumer', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.kafka = kafka;
    this.consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, maxWaitTimeInMs: 100, retry: { retries: 20 } });
  }

  /** Starts once the topics exist (the relay creates them when it becomes active). */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitUntil(
        async () => {
          const existing = new Set(await admin.listTopics());
          return this.topics.every((topic) => existing.has(topic));
        },
        { timeoutMs: 60_000, intervalMs: 100, what: `topics ${this.topics.join(', ')} to exist` },
      );
    } finally {
      await admin.disconnect();
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(Array.isArray(value) ? value[0] : value);
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          timestamp: message.timestamp,
          headers,
        });
        for (const wake of [...this.waiters]) wake();
      },
    });
  }

  /** Waits until `done(messages)` holds; fails after `timeoutMs` with what arrived so far. */
  async waitFor(done: (messages: ReceivedMessage[]) => boolean, timeoutMs = 60_000, what = 'messages'): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 500));
        this.waiters.add(wake);
      });
    }
    return this.messages;
  }

  /**
   * How many messages the broker holds in the collected topics (end minus start offset of every partition):
   * with a fresh topic and no compaction, what the producer wrote, duplicates included.
   */
  async storedCount(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let count = 0;
      for (const topic of this.topics) {
        for (const partition of await admin.fetchTopicOffsets(topic)) count += Number(partition.high) - Number(partition.low);
      }
      return count;
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Per key, the message ids in the order they were received. */
export const idsByKey = (messages: ReceivedMessage[]): Map<string, string[]> => {
  const byKey = new Map<string, string[]>();
  for (const message of messages) {
    const ids = byKey.get(message.key) ?? [];
    ids.push(message.headers.ce_id);
    byKey.set(message.key, ids);
  }
  return byKey;
};

/** A logger that keeps its lines instead of printing them (outage tests log an error per retry by design). */
export const recordingLogger = () => {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
};
