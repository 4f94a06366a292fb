import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookDeliveryHeaders, type WebhookDeliveryResponse } from '@claims/contracts';
import { enqueueStatusChange, WebhookDispatcher } from '@claims/feed';
import { waitUntil } from '@claims/testing';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { assessed, ScriptedProjection } from './feed-test-kit';
import { WebhookReceiver, type ReceivedWebhook } from './webhooks-receiver';

/**
 * Standard Webhooks deliveries end to end: the API with its dispatcher, a real PostgreSQL, status changes
 * written to the outbox as the projection writes them, and local receivers verified with the
 * `standardwebhooks` package that consumers use.
 */
describe('webhooks (Standard Webhooks)', () => {
  let api: ApiTestApp;
  let receiver: WebhookReceiver;
  let projection: ScriptedProjection;
  const secrets: string[] = [];

  const register = async (path: string, filter: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> => {
    const { body, headers } = await api.as('admin').post('/admin/webhooks').send({ url: `${receiver.url}${path}`, description: `test ${path}`, filter }).expect(201);
    expect(headers.location).toBe(`/admin/webhooks/${body.id}`);
    secrets.push(body.secret);
    return { id: body.id, secret: body.secret };
  };
  const deliveriesOf = async (webhookId: string) => (await api.as('admin').get(`/admin/webhooks/${webhookId}/deliveries?limit=200`).expect(200)).body.items as WebhookDeliveryResponse[];
  const messageIds = (entries: ReceivedWebhook[]) => entries.map((entry) => entry.headers['webhook-id']);

  beforeAll(async () => {
    Object.assign(process.env, {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_POLL_MS: '20',
      WEBHOOK_RETRY_FIRST_DELAY_MS: '40',
      WEBHOOK_RETRY_MAX_DELAY_MS: '300',
      WEBHOOK_TIMEOUT_MS: '3000',
    });
    receiver = await new WebhookReceiver().start();
    api = await startApiTestApp();
    projection = new ScriptedProjection(api.db.pool);
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  it('POSTs each status change, signed, with the webhook-* headers; standardwebhooks verifies it', async () => {
    const { id, secret } = await register('/all');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
    const first = randomUUID();
    const second = randomUUID();
    const ids = [...(await projection.step([[first, assessed('corroborated', 2, 0.8, 'likely')]])), ...(await projection.step([[second, assessed('false', 5, 0.1, 'very_unlikely')]]))];

    const got = await waitUntil(() => (receiver.accepted('/all').length >= 2 ? receiver.accepted('/all') : undefined), { what: 'two deliveries' });
    // Two claims: their deliveries may go out together, in either order.
    expect(messageIds(got).sort()).toEqual([...ids].sort());
    for (const entry of got) {
      expect(entry.headers['content-type']).toBe('application/json');
      expect(Number(entry.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(entry.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      // The headers as the contract (and the AsyncAPI document) describes them.
      WebhookDeliveryHeaders.parse({ 'webhook-id': entry.headers['webhook-id'], 'webhook-timestamp': entry.headers['webhook-timestamp'], 'webhook-signature': entry.headers['webhook-signature'] });
      const verified = new Webhook(secret).verify(entry.body, entry.headers) as { id: string };
      expect(verified.id).toBe(entry.headers['webhook-id']);
      // The same message as the status topic: the outbox row's payload.
      const { rows } = await api.db.pool.query('SELECT payload FROM feed_outbox WHERE message_id = $1', [verified.id]);
      expect(verified).toEqual(rows[0].payload);
      expect(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`).verify(entry.body, entry.headers)).toThrow();
      expect(() => new Webhook(secret).verify(entry.body.replace('"claimId"', '"claimID"'), entry.headers)).toThrow();
    }
    const deliveries = await deliveriesOf(id);
    expect(deliveries.map((delivery) => [delivery.messageId, delivery.state, delivery.attempts.length, delivery.attempts[0].statusCode])).toEqual(ids.map((messageId) => [messageId, 'succeeded', 1, 204]));
  });

  it('sends an endpoint only the changes its filter matches (status, claim)', async () => {
    const onlyFalse = await register('/false', { status: ['false', 'misleading'] });
    const claimX = randomUUID();
    const claimY = randomUUID();
    const onlyX = await register('/x', { claim: claimX });
    const [xCorroborated] = await projection.step([[claimX, assessed('corroborated', 2, 0.8, 'likely')]]);
    const [yFalse, xFalse] = await projection.step([
      [claimY, assessed('false', 5, 0.1, 'very_unlikely')],
      [claimX, assessed('false', 5, 0.1, 'very_unlikely')],
    ]);

    await waitUntil(() => receiver.accepted('/false').length >= 2 && receiver.accepted('/x').length >= 2, { what: 'the filtered deliveries' });
    expect(messageIds(receiver.accepted('/false')).sort()).toEqual([yFalse, xFalse].sort());
    expect(messageIds(receiver.accepted('/x'))).toEqual([xCorroborated, xFalse]);
    // The filter is applied when the change is written: the queues hold exactly these.
    expect((await deliveriesOf(onlyFalse.id)).map((delivery) => delivery.messageId)).toEqual([yFalse, xFalse]);
    expect((await deliveriesOf(onlyX.id)).map((delivery) => [delivery.messageId, delivery.claimId])).toEqual([
      [xCorroborated, claimX],
      [xFalse, claimX],
    ]);

    const { body } = await api.as('admin').get(`/admin/webhooks/${onlyFalse.id}`).expect(200);
    expect(body).toMatchObject({ id: onlyFalse.id, status: 'active', filter: { status: ['false', 'misleading'] }, createdBy: api.keys.admin.id });
    expect(body).not.toHaveProperty('secret');
  });

  it('applies a changed URL and filter to the next changes', async () => {
    const claimA = randomUUID();
    const claimB = randomUUID();
    const { id } = await register('/before', { claim: claimA });
    const [toA] = await projection.step([[claimA, assessed('corroborated', 2, 0.8, 'likely')]]);
    await waitUntil(() => receiver.accepted('/before').length === 1, { what: 'the delivery to the first URL' });
    const { body } = await api.as('admin').patch(`/admin/webhooks/${id}`).send({ url: `${receiver.url}/after`, filter: { claim: claimB } }).expect(200);
    expect(body).toMatchObject({ url: `${receiver.url}/after`, filter: { claim: claimB } });
    const [ignored, toB] = await projection.step([
      [claimA, assessed('false', 5, 0.1, 'very_unlikely')],
      [claimB, assessed('false', 5, 0.1, 'very_unlikely')],
    ]);
    await waitUntil(() => receiver.accepted('/after').length === 1, { what: 'the delivery to the new URL' });
    expect(messageIds(receiver.accepted('/before'))).toEqual([toA]);
    expect(messageIds(receiver.accepted('/after'))).toEqual([toB]);
    expect((await deliveriesOf(id)).map((delivery) => delivery.messageId)).not.toContain(ignored);
  });

  it('signs with both secrets during a rotation grace period, each verifying with its own secret', async () => {
    // The grace period is counted from the request's time, and compared with the real clock at delivery.
    api.setNow(new Date().toISOString());
    const claimId = randomUUID();
    const { id, secret: oldSecret } = await register('/rotated', { claim: claimId });
    const rotation = await api.as('admin').post(`/admin/webhooks/${id}/secret-rotation`).expect(200);
    const newSecret: string = rotation.body.secret;
    secrets.push(newSecret);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotation.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const [during] = await projection.step([[claimId, assessed('contested', 3, 0.5, 'roughly_even_chance')]]);
    const [entry] = await waitUntil(() => (receiver.accepted('/rotated').length >= 1 ? receiver.accepted('/rotated') : undefined), { what: 'the delivery during the grace period' });
    expect(entry.headers['webhook-id']).toBe(during);
    const signatures = entry.headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    const timestamp = new Date(Number(entry.headers['webhook-timestamp']) * 1000);
    expect(signatures).toEqual([new Webhook(newSecret).sign(during, timestamp, entry.body), new Webhook(oldSecret).sign(during, timestamp, entry.body)]);
    for (const secret of [oldSecret, newSecret]) {
      for (const signature of signatures) {
        const alone = { ...entry.headers, 'webhook-signature': signature };
        const own = signature === new Webhook(secret).sign(during, timestamp, entry.body);
        if (own) expect(new Webhook(secret).verify(entry.body, alone)).toMatchObject({ id: during });
        else expect(() => new Webhook(secret).verify(entry.body, alone)).toThrow();
      }
    }

    // Past the grace period only the new secret signs.
    await api.db.pool.query("UPDATE webhook_secrets SET expires_at = now() - interval '1 second' WHERE webhook_id = $1 AND expires_at IS NOT NULL", [id]);
    const [after] = await projection.step([[claimId, assessed('corroborated', 2, 0.8, 'likely')]]);
    const later = await waitUntil(() => receiver.accepted('/rotated').find((got) => got.headers['webhook-id'] === after), { what: 'the delivery after the grace period' });
    expect(later.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(new Webhook(newSecret).verify(later.body, later.headers)).toMatchObject({ id: after });
    expect(() => new Webhook(oldSecret).verify(later.body, later.headers)).toThrow();
  });

  it('retries through an outage (500s, then hang-ups): nothing lost, each claim in order', async () => {
    const outage = await new WebhookReceiver().start();
    try {
      outage.mode = 'fail';
      const { body } = await api.as('admin').post('/admin/webhooks').send({ url: `${outage.url}/orders` }).expect(201);
      const claims = [randomUUID(), randomUUID(), randomUUID()];
      const expected = new Map<string, string[]>(claims.map((claimId) => [claimId, []]));
      const steps = [
        assessed('corroborated', 2, 0.8, 'likely'),
        assessed('contested', 3, 0.5, 'roughly_even_chance'),
        assessed('false', 5, 0.1, 'very_unlikely'),
        assessed('confirmed', 1, 0.95, 'almost_certain'),
      ];
      for (const status of steps) {
        // All three claims move in one transaction, and one claim once more in a transaction of its own.
        const ids = await projection.step(claims.map((claimId) => [claimId, status]));
        ids.forEach((messageId, index) => expected.get(claims[index])!.push(messageId));
      }
      const extra = await projection.step([[claims[0], assessed('misleading', 4, 0.3, 'unlikely')]]);
      expected.get(claims[0])!.push(...extra);
      const total = [...expected.values()].flat().length;
      expect(total).toBe(13);

      const attemptsWith = async (condition: string) =>
        Number((await api.db.pool.query(`SELECT count(*) FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.webhook_id = $1 AND ${condition}`, [body.id])).rows[0].count);
      await waitUntil(async () => (await attemptsWith('a.status_code = 500')) >= 9, { what: 'three rounds of 500s' });
      outage.mode = 'hang-up';
      await waitUntil(async () => (await attemptsWith('a.status_code IS NULL AND a.error IS NOT NULL')) >= 6, { what: 'hang-ups to be recorded' });
      // While the receiver was down only each claim's first change was tried: the next ones waited.
      const firsts = new Set(claims.map((claimId) => expected.get(claimId)![0]));
      expect(new Set(messageIds(outage.received))).toEqual(firsts);

      outage.mode = 'accept';
      await waitUntil(() => new Set(messageIds(outage.accepted())).size === total, { timeoutMs: 30_000, what: `all ${total} changes to arrive` });
      const accepted = outage.accepted();
      const claimOf = (entry: ReceivedWebhook) => (JSON.parse(entry.body) as { claimId: string }).claimId;
      for (const claimId of claims) {
        const arrived = messageIds(accepted.filter((entry) => claimOf(entry) === claimId));
        expect(arrived.filter((messageId, index) => arrived.indexOf(messageId) === index)).toEqual(expected.get(claimId));
      }
      for (const entry of accepted) expect(new Webhook(body.secret).verify(entry.body, entry.headers)).toBeTruthy();
      const duplicates = accepted.length - total;
      process.stdout.write(`webhook outage: ${outage.received.length} requests, ${accepted.length} accepted, ${total} changes, ${duplicates} duplicate deliveries\n`);
      const deliveries = await deliveriesOf(body.id);
      expect(deliveries.every((delivery) => delivery.state === 'succeeded')).toBe(true);
      const retried = deliveries.find((delivery) => firsts.has(delivery.messageId))!;
      expect(retried.attempts.length).toBeGreaterThanOrEqual(4);
      expect(retried.attempts.map((attempt) => attempt.statusCode)).toContain(500);
      expect(retried.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });
      expect(retried.attempts.some((attempt) => attempt.statusCode === null && attempt.error)).toBe(true);
    } finally {
      await outage.close();
    }
  });

  it('shares the work among concurrent dispatchers without sending a delivery twice or out of claim order', async () => {
    const raced = await new WebhookReceiver().start();
    const others = [1, 2, 3].map(
      () =>
        new WebhookDispatcher({ pool: api.appPool, allowPrivate: true, retryHorizonMs: 3_600_000, firstRetryDelayMs: 40, maxRetryDelayMs: 300, timeoutMs: 3000, pollIntervalMs: 5, concurrency: 4 }),
    );
    try {
      const { body } = await api.as('admin').post('/admin/webhooks').send({ url: `${raced.url}/raced` }).expect(201);
      for (const dispatcher of others) dispatcher.start();
      const claims = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const expected = new Map<string, string[]>(claims.map((claimId) => [claimId, []]));
      const statuses = [assessed('corroborated', 2, 0.8, 'likely'), assessed('contested', 3, 0.5, 'roughly_even_chance'), assessed('false', 5, 0.1, 'very_unlikely')];
      for (let round = 0; round < 6; round++) {
        const ids = await projection.step(claims.map((claimId) => [claimId, statuses[round % statuses.length]]));
        ids.forEach((messageId, index) => expected.get(claims[index])!.push(messageId));
      }
      // Once every delivery is recorded as succeeded nothing more can be sent: the count is final.
      await waitUntil(async () => (await deliveriesOf(body.id)).filter((delivery) => delivery.state === 'succeeded').length === 30, { what: 'thirty deliveries' });
      const sent = others.map((dispatcher) => dispatcher.status().delivered);
      expect(raced.received).toHaveLength(30);
      expect(messageIds(raced.received).sort()).toEqual([...expected.values()].flat().sort());
      for (const claimId of claims) {
        expect(messageIds(raced.received.filter((entry) => (JSON.parse(entry.body) as { claimId: string }).claimId === claimId))).toEqual(expected.get(claimId));
      }
      process.stdout.write(`webhook race: 30 changes, 30 requests, 0 duplicates; 4 dispatchers, the extra three sent ${sent.join(', ')} deliveries (all endpoints)\n`);
      expect(sent.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
      await api.as('admin').delete(`/admin/webhooks/${body.id}`).expect(200);
    } finally {
      await Promise.all(others.map((dispatcher) => dispatcher.stop()));
      await raced.close();
    }
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const claimId = randomUUID();
    const { id } = await register('/redirect', { claim: claimId });
    await projection.step([[claimId, assessed('corroborated', 2, 0.8, 'likely')]]);
    const [delivery] = await waitUntil(async () => {
      const deliveries = await deliveriesOf(id);
      return deliveries[0]?.attempts.length >= 2 ? deliveries : undefined;
    }, { what: 'two attempts at the redirecting endpoint' });
    expect(delivery.state).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 302, error: 'HTTP 302 (redirects are not followed)' });
    expect(delivery.lastError).toBe('HTTP 302 (redirects are not followed)');
    expect(receiver.received.filter((entry) => entry.path === '/redirected')).toEqual([]);
    // Deleting the endpoint parks what still waited for it; it cannot be re-sent.
    await api.as('admin').delete(`/admin/webhooks/${id}`).expect(200);
    const [retired] = await deliveriesOf(id);
    expect(retired).toMatchObject({ state: 'failed', lastError: 'endpoint deleted' });
    await api.as('admin').post(`/admin/webhooks/${id}/deliveries/${retired.id}/redelivery`).expect(409, /WEBHOOK_DELETED/);
  });

  it('a deletion racing a status change leaves nothing pending for the deleted endpoint', async () => {
    const claimId = randomUUID();
    const { id } = await register('/deleted-racing', { claim: claimId });
    // The change's transaction enqueues (the trigger adds this endpoint's delivery) and stays open while the
    // endpoint is deleted: the deletion must wait for it and park that delivery, or it is pending forever.
    const client = await api.appPool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const cause = { eventId: randomUUID(), eventType: 'ClaimCorroborated', streamId: `claim-${claimId}`, streamVersion: 1, position: { transactionId: rows[0].xid, globalPosition: 1 }, recordedAt: new Date() };
      expect(await enqueueStatusChange(client, { claimId, before: null, after: assessed('corroborated', 2, 0.8, 'likely'), cause })).toMatchObject({ claimId, current: { status: 'corroborated' } });
      let settled = false;
      const deletion = api.as('admin').delete(`/admin/webhooks/${id}`).then((response) => {
        settled = true;
        return response;
      });
      const waitingOnLock = async () =>
        (await api.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n > 0;
      await waitUntil(async () => settled || (await waitingOnLock()), { what: 'the deletion to finish or to wait for the change' });
      await client.query('COMMIT');
      expect((await deletion).status).toBe(200);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    const deliveries = await deliveriesOf(id);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].state).not.toBe('pending');
  });

  it('pauses (deliveries queue) and resumes (they go out in order)', async () => {
    const claimId = randomUUID();
    const { id } = await register('/paused', { claim: claimId });
    await api.as('admin').patch(`/admin/webhooks/${id}`).send({ paused: true }).expect(200, /"status":"paused"/);
    const queued = [...(await projection.step([[claimId, assessed('corroborated', 2, 0.8, 'likely')]])), ...(await projection.step([[claimId, assessed('false', 5, 0.1, 'very_unlikely')]]))];
    expect((await deliveriesOf(id)).map((delivery) => [delivery.messageId, delivery.state, delivery.attempts.length])).toEqual(queued.map((messageId) => [messageId, 'pending', 0]));
    expect(receiver.received.filter((entry) => entry.path === '/paused')).toEqual([]);
    await api.as('admin').patch(`/admin/webhooks/${id}`).send({ paused: false }).expect(200, /"status":"active"/);
    await waitUntil(() => receiver.accepted('/paused').length >= 2, { what: 'the queued deliveries after the resume' });
    expect(messageIds(receiver.accepted('/paused'))).toEqual(queued);
  });

  it('refuses bad input with a problem naming the field, writing nothing', async () => {
    const before = await api.eventCount();
    // Malformed input fails the schema (400, like every route); a URL deliveries may not go to is a 422.
    for (const [body, status, field] of [
      [{ url: 'ftp://example.org/hook' }, 422, 'url'],
      [{ url: 'file:///etc/passwd' }, 422, 'url'],
      [{ url: 'http://user:pass@127.0.0.1/hook' }, 422, 'url'],
      [{ url: 'not a url' }, 400, 'url'],
      [{ url: `${receiver.url}/x`, filter: { status: ['nonsense'] } }, 400, 'filter.status[0]'],
      [{ url: `${receiver.url}/x`, filter: { claim: 'not-a-uuid' } }, 400, 'filter.claim'],
      [{ url: `${receiver.url}/x`, secret: 'whsec_mine' }, 400, 'secret'],
    ] as const) {
      const response = await api.as('admin').post('/admin/webhooks').send(body).expect(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.field).toBe(field);
    }
    await api.as('admin').post('/admin/webhooks').set('Idempotency-Key', 'k-1').send({ url: `${receiver.url}/x` }).expect(400);
    const unknown = randomUUID();
    await api.as('admin').get(`/admin/webhooks/${unknown}`).expect(404);
    await api.as('admin').patch(`/admin/webhooks/${unknown}`).send({ paused: true }).expect(404);
    await api.as('admin').post(`/admin/webhooks/${unknown}/secret-rotation`).expect(404);
    const { id } = await register('/invalid-patch');
    const afterRegistration = await api.eventCount();
    await api.as('admin').patch(`/admin/webhooks/${id}`).send({}).expect(400);
    await api.as('admin').patch(`/admin/webhooks/${id}`).send({ url: 'gopher://example.org/' }).expect(422, /"field":"url"/);
    await api.as('admin').get(`/admin/webhooks/${id}/deliveries?page=2`).expect(400);
    expect(await api.eventCount()).toBe(afterRegistration);
    expect(afterRegistration).toBe(before + 1);
  });

  it('declares the admin routes in OpenAPI, each requiring webhooks:manage', async () => {
    const { body } = await api.anonymous().get('/openapi.json').expect(200);
    const routes = {
      '/admin/webhooks': ['get', 'post'],
      '/admin/webhooks/{webhookId}': ['delete', 'get', 'patch'],
      '/admin/webhooks/{webhookId}/secret-rotation': ['post'],
      '/admin/webhooks/{webhookId}/deliveries': ['get'],
      '/admin/webhooks/{webhookId}/deliveries/{deliveryId}/redelivery': ['post'],
    };
    for (const [path, methods] of Object.entries(routes)) {
      expect(Object.keys(body.paths[path]).sort()).toEqual(methods);
      for (const method of methods) expect(body.paths[path][method]['x-required-permission']).toBe('webhooks:manage');
    }
    expect(body.paths['/admin/webhooks'].post.responses['201'].content['application/json'].schema.properties).toHaveProperty('secret');
  });

  it('records every endpoint change as an attributed event, in the export, and never a secret', async () => {
    const { id } = await register('/audited');
    await api.as('admin').patch(`/admin/webhooks/${id}`).send({ description: 'renamed', paused: true }).expect(200);
    await api.as('admin').post(`/admin/webhooks/${id}/secret-rotation`).expect(200).then(({ body }) => secrets.push(body.secret));
    await api.as('admin').delete(`/admin/webhooks/${id}`).expect(200, /"status":"deleted"/);
    await api.as('admin').patch(`/admin/webhooks/${id}`).send({ paused: false }).expect(409);

    const exported = await api.as('auditor').get('/audit/export').buffer(true).parse((response, callback) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => callback(null, text));
    }).expect(200);
    const lines = String(exported.body).trim().split('\n').map((line) => JSON.parse(line) as { type?: string; eventType?: string });
    const ofStream = lines.filter((line) => JSON.stringify(line).includes(`webhook-${id}`));
    expect(ofStream.map((line) => line.type ?? line.eventType)).toEqual(['WebhookRegistered', 'WebhookChanged', 'WebhookPaused', 'WebhookSecretRotated', 'WebhookDeleted']);
    for (const line of ofStream) expect(JSON.stringify(line)).toContain(api.keys.admin.id);

    const { rows } = await api.db.pool.query<{ stream_id: string; data: { recordedBy?: string }; metadata: { actor?: { id: string } } }>("SELECT stream_id, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version", [`webhook-${id}`]);
    expect(rows.every((row) => row.data.recordedBy === api.keys.admin.id && row.metadata.actor?.id === api.keys.admin.id)).toBe(true);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) {
      const material = secret.slice('whsec_'.length);
      const { rows: leaks } = await api.db.pool.query("SELECT count(*)::int AS n FROM events WHERE data::text LIKE '%' || $1 || '%' OR metadata::text LIKE '%' || $1 || '%'", [material]);
      expect(leaks[0].n).toBe(0);
      expect(String(exported.body)).not.toContain(material);
    }
  });
});
