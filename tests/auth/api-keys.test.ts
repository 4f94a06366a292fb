import { openClaimBody, registerSource } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { createTestApiKey, revokeTestApiKey } from '../support/api-keys';

describe('API keys over HTTP', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  it('shows the secret once at creation; storage, events and listings hold only its hash or nothing', async () => {
    const created = await api.as('admin').post('/admin/api-keys').send({ name: 'Amina', role: 'editor', expiresAt: '2025-01-01T00:00:00Z' }).expect(201);
    const { secret, id } = created.body;
    expect(secret).toMatch(/^clk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(created.headers.location).toBe(`/admin/api-keys/${id}`);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({ name: 'Amina', role: 'editor', status: 'active', prefix: secret.slice(0, 12), expiresAt: '2025-01-01T00:00:00.000Z', createdBy: api.keys.admin.id });

    const listed = await api.as('admin').get('/admin/api-keys').expect(200);
    const one = await api.as('admin').get(`/admin/api-keys/${id}`).expect(200);
    expect(listed.body.items.find((key: { id: string }) => key.id === id)).toEqual(one.body);
    const everywhere = [
      JSON.stringify(listed.body),
      JSON.stringify(one.body),
      JSON.stringify((await api.db.pool.query('SELECT * FROM api_keys')).rows),
      JSON.stringify((await api.db.pool.query('SELECT data, metadata FROM events')).rows),
      JSON.stringify((await api.db.pool.query('SELECT * FROM idempotency_keys')).rows),
    ].join('\n');
    expect(everywhere).not.toContain(secret);
    // The random part alone (base64url: it may itself hold '_').
    const randomPart = secret.slice('clk_'.length + 32 + 1);
    expect(randomPart).toHaveLength(43);
    expect(everywhere).not.toContain(randomPart);
    expect(JSON.stringify(listed.body)).not.toMatch(/secretHash|secret_hash|"secret"/);

    const asNewKey = await api.anonymous().get('/claims').set('Authorization', `Bearer ${secret}`);
    expect(asNewKey.status).toBe(200);
  });

  it('refuses Idempotency-Key on creation (replaying would mean storing the secret), storing nothing', async () => {
    const before = await api.eventCount();
    const response = await api.as('admin').post('/admin/api-keys').set('Idempotency-Key', 'create-once').send({ name: 'x', role: 'reader' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_NOT_SUPPORTED', field: 'header.idempotency-key' });
    expect((await api.db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', ['create-once'])).rowCount).toBe(0);
    expect(await api.eventCount()).toBe(before);
  });

  it('a key revoked through the API is refused at once; revoking again changes nothing', async () => {
    const key = await createTestApiKey(api.db.pool, 'reader');
    await api.anonymous().get('/claims').set(key.header).expect(200);
    const revoked = await api.as('admin').post(`/admin/api-keys/${key.id}/revocation`).send({ reason: 'left the team' }).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    const refused = await api.anonymous().get('/claims').set(key.header);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'INVALID_API_KEY', detail: 'the API key was revoked' });
    const before = await api.eventCount();
    await api.as('admin').post(`/admin/api-keys/${key.id}/revocation`).send({}).expect(200);
    expect(await api.eventCount()).toBe(before);
    const expiry = await api.as('admin').put(`/admin/api-keys/${key.id}/expiry`).send({ expiresAt: null });
    expect(expiry.status).toBe(409);
    expect(expiry.body).toMatchObject({ code: 'API_KEY_REVOKED' });
  });

  it('expiry is checked on every request against the clock, and can be moved', async () => {
    const key = await createTestApiKey(api.db.pool, 'reader', { now: new Date('2024-01-01T00:00:00Z'), expiresAt: '2024-03-01T12:00:00Z' });
    await api.anonymous().get('/claims').set(key.header).expect(200);
    api.setNow('2024-03-01T12:00:00Z');
    try {
      const refused = await api.anonymous().get('/claims').set(key.header);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ detail: 'the API key has expired' });
      await api.as('admin').put(`/admin/api-keys/${key.id}/expiry`).send({ expiresAt: '2024-06-01T00:00:00Z' }).expect(200);
      await api.anonymous().get('/claims').set(key.header).expect(200);
      const past = await api.as('admin').put(`/admin/api-keys/${key.id}/expiry`).send({ expiresAt: '2024-02-01T00:00:00Z' });
      expect(past.status).toBe(422);
      expect(past.body).toMatchObject({ code: 'API_KEY_EXPIRY_IN_PAST', field: 'expiresAt' });
    } finally {
      api.setNow('2024-03-01T10:00:00.000Z');
    }
  });

  it('answers unknown keys, unknown ids and bad bodies with problems', async () => {
    const unknown = await api.as('admin').get('/admin/api-keys/8f14e45f-ceea-467a-9a36-dedd4bea2543');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    const badRole = await api.as('admin').post('/admin/api-keys').send({ name: 'x', role: 'superuser' });
    expect(badRole.status).toBe(400);
    const extra = await api.as('admin').post('/admin/api-keys').send({ name: 'x', role: 'reader', secret: 'mine' });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ field: 'secret', message: 'unknown field' }]);
  });

  it('documents the bearer scheme and each route\'s permission in the OpenAPI document', async () => {
    const { body } = await api.anonymous().get('/openapi.json').expect(200);
    expect(body.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.security).toEqual([{ apiKey: [] }]);
    expect(body.paths['/claims'].post['x-required-permission']).toBe('claims:open');
    expect(body.paths['/claims/{claimId}/verdict'].put['x-required-permission']).toBe('claims:verdict');
    expect(body.paths['/admin/api-keys'].post['x-required-permission']).toBe('keys:manage');
  });

  it('sends security headers, and no-store on every API answer', async () => {
    const response = await api.http().get('/claims').expect(200);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'strict-transport-security': expect.stringContaining('max-age='),
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('API key cache and rate limit', () => {
  let api: ApiTestApp;
  let sourceId: string;

  beforeAll(async () => {
    api = await startApiTestApp({ auth: { rateLimitPerMinute: 5, keyCacheTtlMs: 200 } });
    sourceId = await registerSource(api, { name: 'Sahel Daily' });
  });
  afterAll(() => api.close());

  it('a key revoked elsewhere (command line, another process) is refused within the cache TTL', async () => {
    const key = await createTestApiKey(api.db.pool, 'reader');
    await api.anonymous().get('/claims').set(key.header).expect(200);
    await revokeTestApiKey(api.db.pool, key.id);
    const deadline = Date.now() + 2_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await api.anonymous().get('/claims').set(key.header)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(401);
  });

  it('answers 429 with Retry-After once a key spent its budget, and other keys are unaffected', async () => {
    const key = await createTestApiKey(api.db.pool, 'analyst');
    const before = await api.eventCount();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await api.anonymous().get(`/sources/${sourceId}`).set(key.header)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await api.anonymous().post('/claims').set(key.header).send(openClaimBody(sourceId));
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(await api.eventCount()).toBe(before);
    await api.as('reader').get(`/sources/${sourceId}`).expect(200);
  });
});
