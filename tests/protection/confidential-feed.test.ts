import type { AddressInfo } from 'node:net';
import { EVENTS_TOPIC, FeedRelay, STATUS_TOPIC, topicName } from '@claims/feed';
import { waitUntil } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { recordingLogger, testBrokers, testFeedConfig, TopicCollector } from '../feed/feed-test-kit';
import { SseConnection } from '../feed/sse-client';
import { WebhookReceiver } from '../feed/webhooks-receiver';

const NAME = 'Issoufou Ag Kalamba-Contact';
const NOTES = 'Meets at the Tin-Akoff well on Thursdays';

/**
 * Everything that leaves the system for consumers (both Kafka topics through the real relay, the SSE stream,
 * webhook bodies) carries a confidential source's pseudonym and ciphertext, never its name or notes.
 */
describe('a confidential source in the feeds', () => {
  let api: ApiTestApp;
  let relay: FeedRelay;
  let collector: TopicCollector;
  let receiver: WebhookReceiver;
  let sse: SseConnection;
  const config = testFeedConfig();

  beforeAll(async () => {
    Object.assign(process.env, { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_MS: '20' });
    receiver = await new WebhookReceiver().start();
    api = await startApiTestApp();
    await api.app.listen(0, '127.0.0.1');
    relay = new FeedRelay({ pool: api.db.pool, log: api.store, kafka: config, logger: recordingLogger(), pollIntervalMs: 100 });
    relay.start();
    collector = new TopicCollector(testBrokers(), [topicName(config, STATUS_TOPIC), topicName(config, EVENTS_TOPIC)]);
    await collector.start();
    await api.as('admin').post('/admin/webhooks').send({ url: `${receiver.url}/claims` }).expect(201);
    sse = await SseConnection.open(`http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}/feeds/status-changes`, api.keys.reader.header);
  });
  afterAll(async () => {
    sse?.close();
    await collector?.stop();
    await relay?.stop();
    await api?.close();
    await receiver?.close();
  });

  it('publishes the pseudonym and ciphertext on the events topic, and the name in no message, SSE event or webhook body', async () => {
    const { body: source } = await api.http().post('/sources').send({ name: NAME, kind: 'local_contact', reliability: 'B', confidential: true, contactNotes: NOTES }).expect(201);
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'B', kind: 'wire_agency' });
    const { body: claim } = await api.http().post('/claims').send(openClaimBody(source.id, { report: report(source.id, { quote: 'Issoufou saw the convoy at dawn' }) })).expect(201);
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(wire) }).expect(201);
    await api.as('editor').patch(`/sources/${source.id}`).send({ contactNotes: `${NOTES}, and Sundays` }).expect(200);

    const eventsTopic = topicName(config, EVENTS_TOPIC);
    const statusTopic = topicName(config, STATUS_TOPIC);
    await collector.waitFor(
      (messages) => messages.filter((message) => message.topic === eventsTopic && message.value.includes(source.id) && message.value.includes('SourceDetailsChanged')).length >= 1 && messages.some((message) => message.topic === statusTopic),
      60_000,
      'the source events and a status change',
    );
    await sse.waitFor((connection) => connection.events.length >= 1, 30_000, 'a status change on SSE');
    const deliveries = await waitUntil(() => (receiver.accepted('/claims').length >= 1 ? receiver.accepted('/claims') : undefined), { what: 'a webhook delivery' });

    const registered = collector.messages.find((message) => message.topic === eventsTopic && message.value.includes('SourceRegistered') && message.value.includes(source.id));
    expect(registered?.value).toContain('Confidential source');
    expect(registered?.value).toContain('aes-256-gcm/v1');
    const everything = [...collector.messages.map((message) => `${message.value} ${JSON.stringify(message.headers)}`), ...sse.events.map((event) => event.data), ...deliveries.map((entry) => entry.body)];
    expect(everything.length).toBeGreaterThanOrEqual(6);
    expect(everything.filter((text) => /Issoufou|Tin-Akoff/i.test(text))).toEqual([]);
  });
});
