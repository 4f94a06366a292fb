import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { Client, type Pool } from 'pg';
import type { Kafka, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import {
  LOG_START,
  loadSubscriptionCheckpoint,
  recordSubscriptionFailure,
  saveSubscriptionCheckpoint,
  SubscriptionCheckpointMissing,
  type LogPosition,
  type Queryable,
  type ReadAllOptions,
  type ReadAllResult,
} from '@claims/event-store';
import { toCloudEventKafkaMessage } from './cloudevents';
import { domainEventCloudEventType, isDomainEvent, toDomainEventMessage } from './domain-event.mapper';
import { type FeedLogger, stderrFeedLogger } from './feed.logger';
import { EVENTS_TOPIC } from './feed.topics';
import { createKafka, ensureFeedTopics, type FeedKafkaConfig, topicName } from './kafka';
import { markPublished, readPendingOutbox } from './outbox';

export interface FeedRelayOptions {
  pool: Pool;
  /** The event log (a `PgEventStore`), for `claims.events.v1`. Omit to publish status changes only. */
  log?: { readAll(options: ReadAllOptions, db?: Queryable): Promise<ReadAllResult> };
  kafka: FeedKafkaConfig;
  /** A ready kafkajs client; by default one is made from `kafka` with `logger`. */
  kafkaClient?: Kafka;
  logger?: FeedLogger;
  /** Messages per Kafka request. Default 500. */
  batchSize?: number;
  /** Look for work this often when no notification arrives. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How often a standby relay tries to take over. Default 1000 ms. */
  standbyRetryMs?: number;
  /** Ceiling of the retry backoff. Default 30 s. */
  maxBackoffMs?: number;
  /** Told how many messages of a (logical) topic the broker acknowledged, e.g. for a metrics counter. */
  onPublished?: (topic: string, count: number) => void;
}

export type FeedRelayState = 'stopped' | 'starting' | 'standby' | 'active';

export interface FeedLaneStatus {
  published: number;
  lastPublishedAt?: Date;
  failedAttempts: number;
  lastError?: string;
  lastErrorAt?: Date;
}

export interface FeedRelayStatus {
  state: FeedRelayState;
  status: FeedLaneStatus;
  events?: FeedLaneStatus & { position: LogPosition };
  /** The last failure of the relay itself (lock connection, producer), not of one lane. */
  lastError?: string;
  lastErrorAt?: Date;
}

const tracer = trace.getTracer('claim-ledger');

/**
 * A producer span for one message, child of the context the message was enqueued in (its stored
 * `traceparent`), so one trace runs from the HTTP request to the consumer. Returns the trace context the
 * message carries as `ce_traceparent`: the publish span's when tracing is on, the stored one otherwise.
 */
const publishSpan = (topic: string, stored: string | undefined, spans: Span[]): string | undefined => {
  if (!stored) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent: stored });
  const span = tracer.startSpan(`publish ${topic}`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'send' } }, parent);
  if (!span.isRecording()) return stored;
  spans.push(span);
  const carrier: { traceparent?: string } = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier.traceparent ?? stored;
};

/** Serialises relays per database: only the holder of this lock publishes. */
const RELAY_LOCK = 'claim-ledger:feed-relay';
const NOTIFY_CHANNELS = ['feed_outbox_appended', 'event_store_appended'];
const FIRST_BACKOFF_MS = 100;

class LaneState implements FeedLaneStatus {
  published = 0;
  lastPublishedAt?: Date;
  failedAttempts = 0;
  lastError?: string;
  lastErrorAt?: Date;
  retryAt = 0;

  succeeded(count: number): void {
    this.published += count;
    if (count > 0) this.lastPublishedAt = new Date();
    this.failedAttempts = 0;
    this.retryAt = 0;
  }

  failed(error: unknown, maxBackoffMs: number): number {
    this.failedAttempts++;
    this.lastError = errorMessage(error);
    this.lastErrorAt = new Date();
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (this.failedAttempts - 1), maxBackoffMs);
    this.retryAt = Date.now() + backoff;
    return backoff;
  }

  snapshot(): FeedLaneStatus {
    return { published: this.published, lastPublishedAt: this.lastPublishedAt, failedAttempts: this.failedAttempts, lastError: this.lastError, lastErrorAt: this.lastErrorAt };
  }
}

/** The lock connection died: the lock is gone with it, so this relay must stop publishing at once. */
class LockLost extends Error {}

/**
 * Publishes the outbox to `claims.status.v1` and the event log to `claims.events.v1`, at least once, in
 * order. One relay per database is active: it holds an advisory lock on a dedicated connection and reads
 * and marks rows through that same connection, so a relay that lost its lock cannot mark anything; the
 * others wait as hot standbys. Rows are marked published (the events checkpoint moved) only after the
 * broker acknowledged them with `acks: -1`; on any failure the same rows are sent again after a backoff,
 * never skipped.
 */
export class FeedRelay {
  private readonly logger: FeedLogger;
  private readonly kafka: Kafka;
  private state: FeedRelayState = 'stopped';
  private running = false;
  private loop?: Promise<void>;
  private lockClient?: Client;
  private lockLost = false;
  private producer?: Producer;
  private readonly statusLane = new LaneState();
  private readonly eventsLane = new LaneState();
  private eventsPosition: LogPosition = LOG_START;
  private lastError?: string;
  private lastErrorAt?: Date;
  private notifications = 0;
  private wake?: () => void;
  /** The events lane's checkpoint row was deleted under it: that lane stays stopped until the relay is started again. */
  private eventsCheckpointLost = false;

  constructor(private readonly options: FeedRelayOptions) {
    this.logger = options.logger ?? stderrFeedLogger;
    this.kafka = options.kafkaClient ?? createKafka(options.kafka, this.logger);
  }

  /** Name of the events lane's checkpoint row in `subscription_checkpoints` (shown by /health). */
  get eventsCheckpointName(): string {
    return `feed:${topicName(this.options.kafka, EVENTS_TOPIC)}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.state = 'starting';
    this.eventsCheckpointLost = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
  }

  status(): FeedRelayStatus {
    return {
      state: this.state,
      status: this.statusLane.snapshot(),
      ...(this.options.log ? { events: { ...this.eventsLane.snapshot(), position: { ...this.eventsPosition } } } : {}),
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.connectLockClient();
        const { rows } = await this.lockClient!.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [RELAY_LOCK]);
        if (!rows[0]?.locked) {
          if (this.state !== 'standby') this.logger.info({}, 'feed relay: another relay is active; standing by');
          this.state = 'standby';
          failures = 0;
          await this.sleep(this.options.standbyRetryMs ?? 1000);
          continue;
        }
        this.state = 'active';
        this.logger.info({ brokers: this.options.kafka.brokers }, 'feed relay: active');
        failures = 0;
        await this.publishWhileActive();
      } catch (error) {
        failures++;
        this.lastError = errorMessage(error);
        this.lastErrorAt = new Date();
        const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 1), this.options.maxBackoffMs ?? 30_000);
        this.logger.error({ err: this.lastError, retryInMs: backoff }, 'feed relay failed; reconnecting');
        await this.closeLockClient();
        if (this.state === 'active') this.state = 'starting';
        await this.sleep(backoff);
      }
    }
    await this.resetProducer();
    await this.closeLockClient();
  }

  private async connectLockClient(): Promise<void> {
    if (this.lockClient && !this.lockLost) return;
    await this.closeLockClient();
    const client = new Client({ ...this.options.pool.options, application_name: 'claim-ledger-feed-relay' });
    this.lockLost = false;
    client.on('error', (error) => {
      this.lockLost = true;
      this.lastError = `lock connection lost: ${error.message}`;
      this.lastErrorAt = new Date();
      this.wake?.();
    });
    client.on('notification', () => {
      this.notifications++;
      this.wake?.();
    });
    await client.connect();
    this.lockClient = client;
  }

  private async closeLockClient(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    // Ending the session releases the advisory lock.
    await client?.end().catch(() => undefined);
  }

  private async publishWhileActive(): Promise<void> {
    const db = this.lockClient!;
    for (const channel of NOTIFY_CHANNELS) await db.query(`LISTEN ${channel}`);
    if (this.options.log) this.eventsPosition = await this.loadEventsCheckpoint(db);
    const batchSize = this.options.batchSize ?? 500;
    const maxBackoffMs = this.options.maxBackoffMs ?? 30_000;
    // Connect (and create the topics) before the first message needs it, so it does not wait for that.
    await this.connectedProducer().catch((error) => this.onLaneFailure(this.statusLane, 'status', error, maxBackoffMs));

    while (this.running) {
      if (this.lockLost) throw new LockLost(this.lastError ?? 'lock connection lost');
      const before = this.notifications;
      let worked = false;

      if (Date.now() >= this.statusLane.retryAt) {
        try {
          const rows = await readPendingOutbox(db, batchSize);
          if (rows.length > 0) {
            const producer = await this.connectedProducer();
            const spans: Span[] = [];
            try {
              await producer.sendBatch({
                acks: -1,
                topicMessages: groupByTopic(
                  rows.map((row) => {
                    const topic = topicName(this.options.kafka, row.topic);
                    const traced = publishSpan(topic, row.traceparent, spans);
                    return { topic, message: toCloudEventKafkaMessage(row.key, { id: row.id, type: row.type, subject: row.subject, time: row.occurredAt, traceparent: traced }, row.payload) };
                  }),
                ),
              });
            } finally {
              for (const span of spans) span.end();
            }
            await markPublished(db, rows.map((row) => row.position.globalPosition));
            this.statusLane.succeeded(rows.length);
            this.countPublished(rows.map((row) => row.topic));
            worked = true;
          } else {
            // Nothing committed is pending (the read waits for no watermark): the next commit notifies.
            this.statusLane.succeeded(0);
          }
        } catch (error) {
          await this.onLaneFailure(this.statusLane, 'status', error, maxBackoffMs);
        }
      }

      if (this.options.log && !this.eventsCheckpointLost && Date.now() >= this.eventsLane.retryAt) {
        try {
          const published = await this.publishEvents(db, batchSize);
          if (published) worked = true;
          this.eventsLane.failedAttempts = 0;
          this.eventsLane.retryAt = 0;
        } catch (error) {
          if (error instanceof SubscriptionCheckpointMissing) {
            // As a subscription does: neither start over from the log's start nor recreate the row from
            // memory (a deletion may be an operator's reset); the status lane goes on.
            this.eventsCheckpointLost = true;
            this.eventsLane.failed(error, maxBackoffMs);
            this.logger.error({ lane: 'events', checkpoint: this.eventsCheckpointName, err: error.message }, 'feed relay: the events checkpoint row is gone; events lane stopped');
            continue;
          }
          await this.onLaneFailure(this.eventsLane, 'events', error, maxBackoffMs);
          await recordSubscriptionFailure(db, this.eventsCheckpointName, { error: this.eventsLane.lastError, failedAttempts: this.eventsLane.failedAttempts }).catch(() => undefined);
        }
      }

      if (worked || this.notifications !== before) continue;
      const now = Date.now();
      const retryAts = [this.statusLane.retryAt, this.eventsLane.retryAt].filter((at) => at > now);
      let wait = this.options.pollIntervalMs ?? 1000;
      if (retryAts.length) wait = Math.min(wait, Math.min(...retryAts) - now);
      await this.sleep(Math.max(wait, 1));
    }
  }

  /** Publishes the next batch of domain events; true when it moved the checkpoint. */
  private async publishEvents(db: Client, batchSize: number): Promise<boolean> {
    const { events } = await this.options.log!.readAll({ after: this.eventsPosition, limit: batchSize }, db);
    if (events.length === 0) return false;
    const spans: Span[] = [];
    const messages = events.filter(isDomainEvent).map((event) => {
      const message = toDomainEventMessage(event);
      const topic = topicName(this.options.kafka, EVENTS_TOPIC);
      const traceparent = publishSpan(topic, typeof event.metadata.traceparent === 'string' ? event.metadata.traceparent : undefined, spans);
      return {
        topic,
        message: toCloudEventKafkaMessage(message.subject, { id: message.id, type: domainEventCloudEventType(message), subject: message.subject, time: message.recordedAt, traceparent }, message),
      };
    });
    if (messages.length > 0) {
      const producer = await this.connectedProducer();
      try {
        await producer.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
      } finally {
        for (const span of spans) span.end();
      }
    }
    const last = events[events.length - 1];
    const next = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    await saveSubscriptionCheckpoint(db, this.eventsCheckpointName, next);
    this.eventsPosition = next;
    this.eventsLane.succeeded(messages.length);
    if (messages.length > 0) this.options.onPublished?.(EVENTS_TOPIC, messages.length);
    return true;
  }

  private countPublished(topics: readonly string[]): void {
    if (!this.options.onPublished) return;
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic, (counts.get(topic) ?? 0) + 1);
    for (const [topic, count] of counts) this.options.onPublished(topic, count);
  }

  private loadEventsCheckpoint(db: Client): Promise<LogPosition> {
    return loadSubscriptionCheckpoint(db, this.eventsCheckpointName, LOG_START);
  }

  private async onLaneFailure(lane: LaneState, name: string, error: unknown, maxBackoffMs: number): Promise<void> {
    if (this.lockLost) throw new LockLost(this.lastError ?? 'lock connection lost');
    const backoff = lane.failed(error, maxBackoffMs);
    this.logger.error({ lane: name, err: lane.lastError, failedAttempts: lane.failedAttempts, retryInMs: backoff }, 'feed relay: publishing failed; retrying the same messages');
    // A failed send may leave the idempotent producer's sequence numbers unknown: start a fresh producer.
    await this.resetProducer();
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const created = await ensureFeedTopics(admin, this.options.kafka);
        if (created.length) this.logger.info({ topics: created }, 'feed relay: created topics');
      } finally {
        await admin.disconnect();
      }
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

const groupByTopic = (items: Array<{ topic: string; message: Message }>) => {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of items) {
    const messages = byTopic.get(topic) ?? [];
    messages.push(message);
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
};

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
