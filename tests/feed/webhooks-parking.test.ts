import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { waitUntil } from '@claims/testing';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { assessed, ScriptedProjection } from './feed-test-kit';
import { WebhookReceiver } from './webhooks-receiver';

// A retry horizon of 1.8 seconds instead of 24 hours: the same code path, in test time.
const HORIZON_HOURS = 0.0005;

describe('webhooks: parking after the retry horizon, and redelivery', () => {
  let api: ApiTestApp;
  let receiver: WebhookReceiver;
  let projection: ScriptedProjection;

  beforeAll(async () => {
    Object.assign(process.env, {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_POLL_MS: '20',
      WEBHOOK_RETRY_FIRST_DELAY_MS: '50',
      WEBHOOK_RETRY_MAX_DELAY_MS: '400',
      WEBHOOK_RETRY_HORIZON_HOURS: String(HORIZON_HOURS),
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    receiver = await new WebhookReceiver().start();
    api = await startApiTestApp();
    projection = new ScriptedProjection(api.db.pool);
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  it('retries with growing delays until the horizon, parks the delivery as failed with the last error, and re-sends it on request', async () => {
    receiver.mode = 'fail';
    const { body: endpoint } = await api.as('admin').post('/admin/webhooks').send({ url: `${receiver.url}/parked` }).expect(201);
    const claimId = randomUUID();
    const [first] = await projection.step([[claimId, assessed('corroborated', 2, 0.8, 'likely')]]);
    const [second] = await projection.step([[claimId, assessed('false', 5, 0.1, 'very_unlikely')]]);
    const list = async (query = 'limit=50') => (await api.as('admin').get(`/admin/webhooks/${endpoint.id}/deliveries?${query}`).expect(200)).body;

    const parked = await waitUntil(async () => (await list()).items.find((delivery: { messageId: string; state: string }) => delivery.messageId === first && delivery.state === 'failed'), {
      timeoutMs: 20_000,
      what: 'the first delivery to be parked',
    });
    expect(parked.lastError).toBe('HTTP 500');
    expect(parked.nextAttemptAt).toBeNull();
    expect(parked.attempts.length).toBeGreaterThanOrEqual(4);
    for (const attempt of parked.attempts) expect(attempt).toMatchObject({ statusCode: 500, error: 'HTTP 500', durationMs: expect.any(Number), at: expect.any(String) });
    const times = parked.attempts.map((attempt: { at: string }) => Date.parse(attempt.at));
    const gaps = times.slice(1).map((at: number, index: number) => at - times[index]);
    // Exponential with jitter (half to all of 50, 100, 200, 400 ms…, capped); the horizon counts from the
    // change's enqueueing, and the last attempt is made at it.
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(400 + 800);
    expect(times.at(-1) - Date.parse(parked.enqueuedAt)).toBeGreaterThanOrEqual(HORIZON_HOURS * 3_600_000 - 5);
    expect(Date.parse(parked.failedAt) - Date.parse(parked.enqueuedAt)).toBeGreaterThanOrEqual(HORIZON_HOURS * 3_600_000 - 5);

    // The claim's next change waited for the first to be parked before its own first attempt.
    await waitUntil(() => receiver.received.some((entry) => entry.headers['webhook-id'] === second), { what: "the claim's next change to be tried" });
    const firstTries = receiver.received.filter((entry) => entry.headers['webhook-id'] === first);
    const secondTries = receiver.received.filter((entry) => entry.headers['webhook-id'] === second);
    expect(firstTries).toHaveLength(parked.attempts.length);
    expect(Math.min(...secondTries.map((entry) => entry.at))).toBeGreaterThanOrEqual(Math.max(...firstTries.map((entry) => entry.at)));

    // A page of one, then the next: the cursor is the last delivery's id.
    const page = await list('limit=1');
    expect(page.items).toHaveLength(1);
    expect(page.next).toBe(page.items[0].id);
    expect((await list(`limit=1&after=${page.next}`)).items[0].messageId).toBe(second);
    expect((await list('state=failed')).items.map((delivery: { messageId: string }) => delivery.messageId)).toContain(first);

    receiver.mode = 'accept';
    await api.as('admin').post(`/admin/webhooks/${endpoint.id}/deliveries/${parked.id}/redelivery`).expect(200, /"state":"pending"/);
    const redelivered = await waitUntil(() => receiver.accepted('/parked').find((entry) => entry.headers['webhook-id'] === first), { what: 'the redelivery' });
    expect(new Webhook(endpoint.secret).verify(redelivered.body, redelivered.headers)).toMatchObject({ id: first });
    const done = await waitUntil(async () => (await list()).items.find((delivery: { messageId: string; state: string }) => delivery.messageId === first && delivery.state === 'succeeded'), {
      what: 'the redelivered delivery to succeed',
    });
    expect(done.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });
    expect(done.attempts.length).toBe(parked.attempts.length + 1);

    await api.as('admin').post(`/admin/webhooks/${endpoint.id}/deliveries/${parked.id}/redelivery`).expect(409, /WEBHOOK_DELIVERY_NOT_PARKED/);
    await api.as('admin').post(`/admin/webhooks/${endpoint.id}/deliveries/999999/redelivery`).expect(404);
    await api.as('admin').post(`/admin/webhooks/${randomUUID()}/deliveries/${parked.id}/redelivery`).expect(404);
  });
});
