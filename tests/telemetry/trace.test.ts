import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FeedRelay, STATUS_TOPIC, topicName } from '@claims/feed';
import { startTracing, type Tracing } from '@claims/platform';
import { waitUntil } from '@claims/testing';
import { openClaimBody, registerSource } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { recordingLogger, testBrokers, testFeedConfig, TopicCollector } from '../feed/feed-test-kit';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/**
 * One trace from an HTTP request to the Kafka message: the request continues the client's `traceparent`,
 * the command, the append, the projection and the outbox row are spans of it, the event's metadata and the
 * outbox row keep its context, and the relay's publish span and the record's `ce_traceparent` carry it on
 * to the consumer (real PostgreSQL, real broker, the in-memory exporter registered in this process).
 */
describe('tracing from HTTP to Kafka', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  let api: ApiTestApp;
  let relay: FeedRelay;
  let collector: TopicCollector;
  const config = testFeedConfig();

  beforeAll(async () => {
    tracing = await startTracing({ serviceName: 'claim-ledger-api', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    api = await startApiTestApp();
    relay = new FeedRelay({ pool: api.db.pool, log: api.store, kafka: config, logger: recordingLogger(), pollIntervalMs: 100 });
    collector = new TopicCollector(testBrokers(), [topicName(config, STATUS_TOPIC)]);
  });
  afterAll(async () => {
    await collector?.stop();
    await relay?.stop();
    await api?.close();
    await tracing?.shutdown();
  });

  it('joins the request, command, append, projection, outbox row, publish span and Kafka record in one trace', async () => {
    const sourceId = await registerSource(api, { name: `Wire ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'wire_agency' });
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const opened = await api.http().post('/claims').set('traceparent', `00-${traceId}-${clientSpanId}-01`).send(openClaimBody(sourceId)).expect(201);
    const claimId: string = opened.body.id;

    const ofTrace = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const named = (prefix: string) => ofTrace().find((span) => span.name.startsWith(prefix));
    await waitUntil(() => named('POST /claims') !== undefined, { timeoutMs: 5_000, intervalMs: 20, what: 'the server span to end' });
    const server = named('POST /claims')!;
    expect(server.name).toBe('POST /claims');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/claims', 'http.response.status_code': 201 });

    const command = named('command ')!;
    const append = named('event_store.append')!;
    const projection = named('projection.claim_view')!;
    const outbox = named('outbox.enqueue')!;
    for (const span of [command, append, projection, outbox]) expect(span).toBeDefined();
    expect(command.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    for (const span of [append, projection, outbox]) expect(span.parentSpanContext?.spanId).toBe(command.spanContext().spanId);
    expect(append.attributes).toMatchObject({ 'claim_ledger.stream_id': `claim-${claimId}`, 'claim_ledger.written': true });

    // The event keeps the command's trace context in its metadata; the outbox row keeps the outbox span's.
    const events = await api.store.readStream(`claim-${claimId}`);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.metadata.traceparent).toBe(`00-${traceId}-${command.spanContext().spanId}-01`);
    const rows = await api.db.pool.query<{ traceparent: string }>('SELECT traceparent FROM feed_outbox WHERE message_key = $1', [claimId]);
    expect(rows.rows).toEqual([{ traceparent: `00-${traceId}-${outbox.spanContext().spanId}-01` }]);

    // The relay publishes it: its producer span is a child of the outbox row's context, and the record carries it on.
    relay.start();
    await collector.start();
    const messages = await collector.waitFor((all) => all.some((message) => message.key === claimId), 60_000, 'the status change on Kafka');
    const record = messages.find((message) => message.key === claimId)!;
    const header = TRACEPARENT.exec(record.headers.ce_traceparent ?? '');
    expect(header?.[1]).toBe(traceId);
    await waitUntil(() => named('publish ') !== undefined, { timeoutMs: 5_000, intervalMs: 20, what: 'the publish span to end' });
    const publish = named('publish ')!;
    expect(publish.name).toBe(`publish ${topicName(config, STATUS_TOPIC)}`);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(outbox.spanContext().spanId);
    expect(header?.[2]).toBe(publish.spanContext().spanId);
  });
});
