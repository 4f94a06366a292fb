import { randomUUID } from 'node:crypto';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { ClaimEvent, SourceEvent } from '@claims/contracts';
import { EVENTS_TOPIC, FeedRelay, STATUS_TOPIC, topicName } from '@claims/feed';
import { feedAsyncApiDocument } from '../../apps/api/src/asyncapi/feed-asyncapi';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { recordingLogger, testBrokers, testFeedConfig, TopicCollector, type ReceivedMessage } from './feed-test-kit';
import { SseConnection } from './sse-client';

/** The parsed document, failing on any diagnostic of error severity (warnings and hints are printed by nobody). */
const parseAsyncApi = async (document: unknown): Promise<AsyncAPIDocumentInterface> => {
  const { document: parsed, diagnostics } = await new Parser().parse(document as Parameters<Parser['parse']>[0]);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error);
  expect(errors.map((error) => `${error.code}: ${error.message} at ${error.path.join('.')}`)).toEqual([]);
  expect(parsed).toBeDefined();
  return parsed!;
};

const CLAIM_AND_SOURCE_TYPES = new Set<string>([...ClaimEvent.options, ...SourceEvent.options].map((event) => event.shape.type.value));

interface MessageValidators {
  payload: ValidateFunction;
  headers?: ValidateFunction;
  key?: ValidateFunction;
}

/** JSON Schema validators compiled from the document's own schemas (as the parser exposes them), per message of a channel, by message name. */
const validatorsOf = (document: AsyncAPIDocumentInterface, channelId: string): Map<string, MessageValidators> => {
  // Draft-07 (AsyncAPI's schema dialect); the parser's `x-parser-*` annotations are not keywords to refuse.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const channel = document.channels().get(channelId);
  if (!channel) throw new Error(`no channel ${channelId} in the document`);
  return new Map(
    channel.messages().all().map((message) => {
      const key = message.bindings().get('kafka')?.value<{ key?: Record<string, unknown> }>().key;
      const validators: MessageValidators = {
        payload: ajv.compile(message.payload()!.json()),
        ...(message.hasHeaders() ? { headers: ajv.compile(message.headers()!.json()) } : {}),
        ...(key ? { key: ajv.compile(key) } : {}),
      };
      return [message.name()!, validators];
    }),
  );
};

const only = (validators: Map<string, MessageValidators>): MessageValidators => {
  expect(validators.size).toBe(1);
  return [...validators.values()][0];
};

const check = (validate: ValidateFunction | undefined, value: unknown, what: string): void => {
  if (!validate) throw new Error(`no schema for ${what}`);
  const valid = validate(value);
  if (!valid) throw new Error(`${what} does not match the document: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`);
};

/**
 * The AsyncAPI document against what really travels: it parses without error, its Kafka bindings match
 * the topics the relay created on the real broker, and every message the relay produced for real API
 * commands (both topics) and every SSE event the API streamed validate against its schemas.
 */
describe('the AsyncAPI document', () => {
  let api: ApiTestApp;
  let relay: FeedRelay;
  let collector: TopicCollector;
  const config = testFeedConfig();
  const statusTopic = topicName(config, STATUS_TOPIC);
  const eventsTopic = topicName(config, EVENTS_TOPIC);
  let claimId: string;
  let status: ReceivedMessage[];
  let events: ReceivedMessage[];

  beforeAll(async () => {
    api = await startApiTestApp();
    relay = new FeedRelay({ pool: api.db.pool, log: api.store, kafka: config, logger: recordingLogger(), pollIntervalMs: 100 });
    relay.start();
    collector = new TopicCollector(testBrokers(), [statusTopic, eventsTopic]);

    const wire = await registerSource(api, { name: `Wire ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'wire_agency' });
    const research = await registerSource(api, { name: `Research ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'research_organisation' });
    const ministry = await registerSource(api, { name: `Ministry ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'government_or_military' });
    claimId = (await api.http().post('/claims').send(openClaimBody(wire)).expect(201)).body.id;
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(research) }).expect(201);
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'disputes', reason: 'denies any executions took place', report: report(ministry) }).expect(201);
    await api.http().put(`/sources/${ministry}/reliability`).send({ reliability: 'E', reason: 'repeated false denials' }).expect(200);
    await api.http().put(`/claims/${claimId}/verdict`).send({ verdict: 'confirmed', rationale: 'geolocated video and two independent accounts' }).expect(200);
    await api.http().post(`/claims/${claimId}/evidence`).send({ url: 'https://archive.example.org/k.mp4', sha256: 'ab'.repeat(32), mediaType: 'video/mp4' }).expect(201);

    const streams = [`claim-${claimId}`, ...[wire, research, ministry].map((id) => `source-${id}`)];
    const eventIds = new Set((await Promise.all(streams.map((stream) => api.store.readStream(stream)))).flat().map((event) => event.eventId));
    const { rows } = await api.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM feed_outbox WHERE message_key = $1', [claimId]);
    await collector.start();
    await collector.waitFor(
      (all) => all.filter((message) => message.topic === statusTopic && message.key === claimId).length >= rows[0].n && [...eventIds].every((id) => all.some((message) => message.topic === eventsTopic && message.headers.ce_id === id)),
      60_000,
      'the status changes and domain events of the script',
    );
    status = collector.messages.filter((message) => message.topic === statusTopic);
    events = collector.messages.filter((message) => message.topic === eventsTopic);
    expect(status.length).toBeGreaterThanOrEqual(4);
    expect(events.length).toBeGreaterThanOrEqual(eventIds.size);
  });
  afterAll(async () => {
    await collector?.stop();
    await relay?.stop();
    await api?.close();
  });

  it('is served publicly at /asyncapi.json and parses as AsyncAPI 3.0 without errors', async () => {
    const response = await api.anonymous().get('/asyncapi.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = await parseAsyncApi(response.body);
    expect(document.version()).toBe('3.0.0');
    const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
    expect(document.channels().all().map((channel) => channel.address())).toEqual([`${prefix}claims.status.v1`, `${prefix}claims.events.v1`, '/feeds/status-changes', '{webhookUrl}']);
    expect(document.operations().all().map((operation) => [operation.id(), operation.action(), operation.channels().all()[0].id()])).toEqual([
      ['sendClaimStatusChanges', 'send', 'claimStatusChanges'],
      ['sendDomainEvents', 'send', 'domainEvents'],
      ['sendStatusFeedStream', 'send', 'statusFeedStream'],
      ['sendWebhookDeliveries', 'send', 'webhookDeliveries'],
    ]);
    expect(document.servers().all().map((server) => [server.id(), server.protocol()])).toEqual([['kafka', 'kafka'], ['http', 'http']]);
    const sse = document.channels().get('statusFeedStream')!.messages().all()[0];
    expect(sse.contentType()).toBe('text/event-stream');
    // The HTTP server is where the request came from (no PUBLIC_BASE_URL in this test).
    expect(document.servers().get('http')!.host()).toBe(response.request.url.replace(/^http:\/\//, '').split('/')[0]);
  });

  it('describes the topics as the relay created them on the broker: partitions, cleanup policy, retention', async () => {
    const document = await parseAsyncApi(feedAsyncApiDocument({ kafka: config, publicBaseUrl: new URL('http://localhost:3000/') }));
    const kafka = new Kafka({ clientId: 'asyncapi-test', brokers: testBrokers().split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [statusTopic, eventsTopic] });
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [statusTopic, eventsTopic].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'retention.ms', 'min.compaction.lag.ms'] })),
      });
      for (const [channelId, topic] of [['claimStatusChanges', statusTopic], ['domainEvents', eventsTopic]] as const) {
        const binding = document.channels().get(channelId)!.bindings().get('kafka')!.value<{ topic: string; partitions: number; topicConfiguration: Record<string, unknown> }>();
        expect(document.channels().get(channelId)!.address()).toBe(topic);
        expect(binding.topic).toBe(topic);
        expect(binding.partitions).toBe(metadata.topics.find((entry) => entry.name === topic)!.partitions.length);
        const onBroker = Object.fromEntries(described.resources.find((resource) => resource.resourceName === topic)!.configEntries.map((entry) => [entry.configName, entry.configValue]));
        expect((binding.topicConfiguration['cleanup.policy'] as string[]).join(',')).toBe(onBroker['cleanup.policy']);
        for (const [name, value] of Object.entries(binding.topicConfiguration)) {
          if (name !== 'cleanup.policy') expect([name, String(value)]).toEqual([name, onBroker[name]]);
        }
      }
      const statusBinding = document.channels().get('claimStatusChanges')!.bindings().get('kafka')!.value<{ topicConfiguration: Record<string, unknown> }>();
      expect(statusBinding.topicConfiguration).toMatchObject({ 'cleanup.policy': ['compact'], 'min.compaction.lag.ms': 7 * 24 * 3600 * 1000 });
      const eventsBinding = document.channels().get('domainEvents')!.bindings().get('kafka')!.value<{ topicConfiguration: Record<string, unknown> }>();
      expect(eventsBinding.topicConfiguration).toEqual({ 'cleanup.policy': ['delete'], 'retention.ms': -1 });
    } finally {
      await admin.disconnect();
    }
  });

  it('validates every message the relay produced: payload, CloudEvents headers and key', async () => {
    const document = await parseAsyncApi(feedAsyncApiDocument({ kafka: config, publicBaseUrl: new URL('http://localhost:3000/') }));
    const statusValidators = only(validatorsOf(document, 'claimStatusChanges'));
    const eventValidators = validatorsOf(document, 'domainEvents');
    const anyEvent = eventValidators.get('org.claim-ledger.event.<EventType>.v1')!;
    const validate = (message: ReceivedMessage, validators: MessageValidators, as: string) => {
      check(validators.payload, JSON.parse(message.value), `payload of ${message.topic}@${message.offset} as ${as}`);
      check(validators.headers, message.headers, `headers of ${message.topic}@${message.offset} as ${as}`);
      check(validators.key, message.key, `key of ${message.topic}@${message.offset} as ${as}`);
    };
    for (const message of status) validate(message, statusValidators, 'a status change');
    for (const message of events) {
      // Claim and source events have a message of their own, named by their ce_type; every event is also the generic envelope.
      const typed = eventValidators.get(message.headers.ce_type);
      const type = JSON.parse(message.value).type as string;
      expect({ type, typed: Boolean(typed) }).toEqual({ type, typed: CLAIM_AND_SOURCE_TYPES.has(type) });
      if (typed) validate(message, typed, message.headers.ce_type);
      validate(message, anyEvent, 'any domain event');
    }
    expect([...new Set(events.map((message) => JSON.parse(message.value).type))]).toEqual(
      expect.arrayContaining(['SourceRegistered', 'ClaimAsserted', 'ClaimCorroborated', 'ClaimDisputed', 'ClaimVerdictIssued', 'ClaimEvidenceAttached']),
    );

    // The validators can fail: a message of one topic is not one of the other, one event type is not another, a wrong header is refused.
    expect(anyEvent.payload(JSON.parse(status[0].value))).toBe(false);
    const asserted = events.find((message) => message.headers.ce_type.endsWith('.ClaimAsserted.v1'))!;
    expect(eventValidators.get('org.claim-ledger.event.ClaimCorroborated.v1')!.payload(JSON.parse(asserted.value))).toBe(false);
    expect(eventValidators.get('org.claim-ledger.event.ClaimCorroborated.v1')!.payload({ ...JSON.parse(asserted.value), type: 'ClaimCorroborated' })).toBe(false);
    expect(statusValidators.headers!({ ...status[0].headers, ce_type: events[0].headers.ce_type })).toBe(false);
    expect(statusValidators.headers!({ ...status[0].headers, ce_specversion: '0.3' })).toBe(false);
    const { claimId: _dropped, ...withoutClaim } = JSON.parse(status[0].value);
    expect(statusValidators.payload(withoutClaim)).toBe(false);
  });

  it('validates the events the SSE stream sends', async () => {
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as { port: number };
    const stream = await SseConnection.open(`http://127.0.0.1:${port}/feeds/status-changes?claim=${claimId}`, api.keys.feed.header);
    try {
      expect(stream.status).toBe(200);
      const expected = status.filter((message) => message.key === claimId).length;
      await stream.waitFor((connection) => connection.events.length >= expected, 30_000, `${expected} SSE events`);
      const document = await parseAsyncApi(feedAsyncApiDocument({ kafka: config, publicBaseUrl: new URL(`http://127.0.0.1:${port}/`) }));
      const validators = only(validatorsOf(document, 'statusFeedStream'));
      expect(String(stream.headers['content-type'])).toMatch(/^text\/event-stream/);
      for (const event of stream.events) check(validators.payload, { id: event.id, event: event.event, data: JSON.parse(event.data) }, `SSE event ${event.id}`);
      expect(stream.events.map((event) => JSON.parse(event.data).id)).toEqual(status.filter((message) => message.key === claimId).map((message) => message.headers.ce_id));
    } finally {
      stream.close();
    }
  });
});
