import { randomUUID } from 'node:crypto';
import { waitUntil } from '@claims/testing';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { WebhookRegistry } from '../../apps/api/src/webhooks/webhook.registry';
import { assessed, ScriptedProjection } from './feed-test-kit';
import { WebhookReceiver } from './webhooks-receiver';

/** Without WEBHOOK_ALLOW_PRIVATE, no delivery goes to the host, its networks or link-local addresses. */
describe('webhooks: private addresses refused (SSRF)', () => {
  let api: ApiTestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    Object.assign(process.env, { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_POLL_MS: '20', WEBHOOK_RETRY_FIRST_DELAY_MS: '50', WEBHOOK_RETRY_MAX_DELAY_MS: '200' });
    receiver = await new WebhookReceiver().start();
    api = await startApiTestApp();
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  it.each([
    ['loopback', () => `${receiver.url}/hook`],
    ['localhost by name', () => 'http://localhost:9/hook'],
    ['IPv6 loopback', () => 'http://[::1]/hook'],
    ['IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/hook'],
    ['IPv4-mapped IPv6, hex form', () => 'http://[::ffff:7f00:1]/hook'],
    ['a private network', () => 'https://10.1.2.3/hook'],
    ['another private network', () => 'https://192.168.0.10/hook'],
    ['link-local (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data'],
    ['unique-local IPv6', () => 'http://[fd00::1]/hook'],
    ['the unspecified address', () => 'http://0.0.0.0/hook'],
    ['decimal-encoded loopback', () => 'http://2130706433/hook'],
    ['IPv4-compatible loopback (the URL parser writes it [::7f00:1])', () => 'http://[::127.0.0.1]/hook'],
    ['IPv4-translated loopback', () => 'http://[::ffff:0:7f00:1]/hook'],
    ['6to4 around link-local', () => 'http://[2002:a9fe:a9fe::1]/hook'],
  ])('refuses %s with a 422 naming url, writing nothing', async (_name, url) => {
    const before = await api.eventCount();
    const response = await api.as('admin').post('/admin/webhooks').send({ url: url() }).expect(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', field: 'url' });
    expect(await api.eventCount()).toBe(before);
  });

  it('accepts a public address', async () => {
    await api.as('admin').post('/admin/webhooks').send({ url: 'https://198.51.100.7/hook', filter: { claim: randomUUID() } }).expect(201);
  });

  it('checks the address again at delivery time: an endpoint that points at a private address gets nothing', async () => {
    // As if the name had resolved to a public address at registration and to a private one now (rebinding):
    // the endpoint is written past the API's check, straight through the registry.
    const registry = api.app.get(WebhookRegistry);
    const webhookId = randomUUID();
    const metadata = { actor: { id: api.keys.admin.id } };
    await registry.register({ webhookId, url: `${receiver.url}/rebound`, filter: {} }, { now: new Date(), metadata });
    await new ScriptedProjection(api.db.pool).step([[randomUUID(), assessed('corroborated', 2, 0.8, 'likely')]]);
    const attempts = await waitUntil(async () => {
      const { body } = await api.as('admin').get(`/admin/webhooks/${webhookId}/deliveries`).expect(200);
      return body.items[0]?.attempts.length >= 2 ? body.items[0].attempts : undefined;
    }, { what: 'refused attempts' });
    expect(attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback, private, link-local or reserved address/) });
    expect(receiver.received).toEqual([]);
  });
});
