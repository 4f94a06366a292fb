import { randomUUID } from 'node:crypto';
import type { ApiKeyRole } from '@claims/contracts';
import { ROLE_PERMISSIONS, type Permission } from '@claims/domain';
import { RouteInventory } from '../../apps/api/src/auth/route-inventory';
import { openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/**
 * Input the database or the handlers would mishandle is answered at the edge: dates PostgreSQL cannot
 * store, bodies that are not JSON in UTF-8, unknown fields, ids in uppercase. Each refusal is a 4xx
 * problem naming the field, and writes nothing.
 */
describe('hostile input at the HTTP edge', () => {
  let api: ApiTestApp;
  let source: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    source = await registerSource(api, { name: 'Sahel Wire', reliability: 'C' });
  });
  afterAll(() => api.close());

  const refusedWithoutWriting = async (send: () => Promise<import('supertest').Response>, status: number, code: string, field: string) => {
    const events = await api.eventCount();
    const response = await send();
    expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({ status, code, field });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await api.eventCount()).toBe(events);
    return response;
  };

  describe('dates are bounded to what the database stores', () => {
    it('a year-0000 occurrence date is a 400 naming occurred.start, not a 500', async () => {
      await refusedWithoutWriting(
        () => api.http().post('/claims').send(openClaimBody(source, { occurred: { start: '0000-01-01', precision: 'day' } })),
        400,
        'VALIDATION_FAILED',
        'occurred.start',
      );
    });

    it('a year-0000 list filter is a 400 naming query.from (and query.to), not a 500', async () => {
      await refusedWithoutWriting(() => api.http().get('/claims?from=0000-01-01'), 400, 'VALIDATION_FAILED', 'query.from');
      await refusedWithoutWriting(() => api.http().get('/claims?to=0000-12-31'), 400, 'VALIDATION_FAILED', 'query.to');
    });

    it('every other date or instant input refuses year 0000 with a 400 naming it', async () => {
      const claim = await openClaim(api, openClaimBody(source));
      await refusedWithoutWriting(
        () => api.http().post('/claims').send(openClaimBody(source, { report: report(source, { publishedAt: '0000-06-01T00:00:00Z' }) })),
        400,
        'VALIDATION_FAILED',
        'report.publishedAt',
      );
      await refusedWithoutWriting(() => api.http().get(`/claims/${claim.id}?asOf=0000-01-01T00:00:00Z`), 400, 'VALIDATION_FAILED', 'query.asOf');
      await refusedWithoutWriting(
        () => api.as('admin').post('/admin/api-keys').send({ name: 'old', role: 'reader', expiresAt: '0000-01-01T00:00:00Z' }),
        400,
        'VALIDATION_FAILED',
        'expiresAt',
      );
      await refusedWithoutWriting(
        () => api.as('admin').put(`/admin/api-keys/${api.keys.reader.id}/expiry`).send({ expiresAt: '0000-01-01T00:00:00Z' }),
        400,
        'VALIDATION_FAILED',
        'expiresAt',
      );
      await refusedWithoutWriting(
        () => api.http().post('/claims').send(openClaimBody(source, { occurred: { start: '10000-01-01', precision: 'day' } })),
        400,
        'VALIDATION_FAILED',
        'occurred.start',
      );
    });

    it('the bounds themselves are accepted: 1900-01-01 to 9999-12-31', async () => {
      const response = await api.http().post('/claims').send(openClaimBody(source, { occurred: { start: '1900-01-01', end: '9999-12-31', precision: 'year' } }));
      expect(response.status).toBe(201);
      expect(response.body.occurred).toEqual({ start: '1900-01-01', end: '9999-12-31', precision: 'year', from: '1900-01-01', to: '9999-12-31' });
      const listed = await api.http().get('/claims?from=1900-01-01&to=9999-12-31').expect(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(response.body.id);
    });
  });

  describe('ids are case-insensitive', () => {
    it('GET /claims/<id in uppercase> answers the claim', async () => {
      const claim = await openClaim(api, openClaimBody(source));
      const response = await api.http().get(`/claims/${claim.id.toUpperCase()}`);
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(claim.id);
    });

    it('a path that does not percent-decode to UTF-8 is a 400 naming the path, not a bare 400', async () => {
      await refusedWithoutWriting(() => api.http().post('/claims/%ED%A0%80/verdict/withdrawal').send({ reason: 'x' }), 400, 'MALFORMED_PATH', 'path');
    });

    it('a merge into its own id in uppercase is refused by the domain (422), not a 404', async () => {
      const claim = await openClaim(api, openClaimBody(source));
      await refusedWithoutWriting(
        () => api.http().post(`/claims/${claim.id}/merge`).send({ intoClaimId: claim.id.toUpperCase(), reason: 'duplicate of itself' }),
        422,
        'CLAIM_MERGE_INTO_SELF',
        'intoClaimId',
      );
    });

    it('ids in bodies and queries are stored and matched in lowercase', async () => {
      const response = await api.http().post('/claims').send(openClaimBody(source.toUpperCase()));
      expect(response.status).toBe(201);
      expect(response.body.reports[0].sourceId).toBe(source);
      const exported = await api.as('auditor').get(`/audit/export?claim=${String(response.body.id).toUpperCase()}`);
      expect(exported.status).toBe(200);
      const streams = exported.text.trim().split('\n').slice(1, -1).map((line) => JSON.parse(line).streamId);
      expect(streams).toEqual([`source-${source}`, `claim-${response.body.id}`]);
    });
  });

  describe('bodies are JSON, in UTF-8, with known fields only', () => {
    it('a text/plain body on a route whose body is optional is a 415, and the key stays unrevoked', async () => {
      await refusedWithoutWriting(
        () => api.as('admin').post(`/admin/api-keys/${api.keys.feed.id}/revocation`).set('Content-Type', 'text/plain').send('reason=left the team'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'header.content-type',
      );
      const key = await api.as('admin').get(`/admin/api-keys/${api.keys.feed.id}`).expect(200);
      expect(key.body.status).toBe('active');
    });

    it('a body without a Content-Type is a 415', async () => {
      const response = await api.http().post('/sources').set('Content-Type', '').send(Buffer.from(JSON.stringify({ name: 'x', kind: 'news_outlet' })));
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('JSON in another charset is a 415 UNSUPPORTED_CHARSET', async () => {
      await refusedWithoutWriting(
        () =>
          api
            .http()
            .post('/sources')
            .set('Content-Type', 'application/json; charset=latin1')
            .send(JSON.stringify({ name: 'Radio Ménaka', kind: 'news_outlet' })),
        415,
        'UNSUPPORTED_CHARSET',
        'header.content-type',
      );
      const utf8 = await api.http().post('/sources').set('Content-Type', 'application/json; charset=UTF-8').send(JSON.stringify({ name: 'Radio Gao', kind: 'news_outlet' }));
      expect(utf8.status).toBe(201);
    });

    it('POST /audit/checkpoints refuses an unknown field with a 400 naming it', async () => {
      const before = (await api.as('auditor').get('/audit/checkpoints').expect(200)).body.items.length;
      const response = await api.as('auditor').post('/audit/checkpoints').send({ note: 'quarterly' });
      expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'note' });
      expect((await api.as('auditor').get('/audit/checkpoints').expect(200)).body.items).toHaveLength(before);
      await api.as('auditor').post('/audit/checkpoints').expect(201);
    });

    // A valid body for every write route: the sweep adds an unknown field to it. A new write route fails
    // the sweep until it has an entry here, so every body is proven strict.
    const VALID_BODIES: Record<string, () => Record<string, unknown>> = {
      'POST /sources': () => ({ name: 'Kidal Post', kind: 'news_outlet' }),
      'PATCH /sources/:sourceId': () => ({ name: 'Kidal Post' }),
      'PUT /sources/:sourceId/reliability': () => ({ reliability: 'B', reason: 'a long record' }),
      'POST /sources/:sourceId/erasure': () => ({ reason: 'The witness asked to be forgotten' }),
      'POST /claims': () => openClaimBody(source),
      'POST /claims/:claimId/reports': () => ({ stance: 'supports', report: report(source) }),
      'POST /claims/:claimId/reports/:reportId/retraction': () => ({ reason: 'withdrawn' }),
      'POST /claims/:claimId/evidence': () => ({ url: 'https://archive.example.org/x', sha256: 'a'.repeat(64), mediaType: 'text/html' }),
      'PUT /claims/:claimId/verdict': () => ({ verdict: 'confirmed', rationale: 'footage geolocated' }),
      'POST /claims/:claimId/verdict/withdrawal': () => ({ reason: 'new footage' }),
      'POST /claims/:claimId/merge': () => ({ intoClaimId: randomUUID(), reason: 'duplicate' }),
      'PUT /claims/:claimId/statement': () => ({ statement: 'Three men were killed near Kalamba', reason: 'precision' }),
      'POST /audit/checkpoints': () => ({}),
      'POST /audit/checkpoints/:checkpoint/cosignatures': () => ({ cosignature: '\u2014 witness.test/w1 AAAAAAAA' }),
      'POST /admin/api-keys': () => ({ name: 'partner', role: 'reader' }),
      'POST /admin/api-keys/:keyId/revocation': () => ({ reason: 'left' }),
      'PUT /admin/api-keys/:keyId/expiry': () => ({ expiresAt: null }),
      'POST /admin/webhooks': () => ({ url: 'https://hooks.example.org/claims' }),
      'PATCH /admin/webhooks/:webhookId': () => ({ paused: true }),
      'DELETE /admin/webhooks/:webhookId': () => ({}),
      'POST /admin/webhooks/:webhookId/secret-rotation': () => ({}),
      'POST /admin/webhooks/:webhookId/deliveries/:deliveryId/redelivery': () => ({}),
      'PUT /claims/:claimId/assignment': () => ({ assignee: randomUUID() }),
      'DELETE /claims/:claimId/assignment': () => ({}),
      'PUT /claims/:claimId/work-state': () => ({ state: 'in_progress' }),
      'POST /claims/:claimId/tasks': () => ({ name: 'check the weather' }),
      'PUT /claims/:claimId/tasks/:taskId': () => ({ done: true }),
      'POST /claims/:claimId/comments': () => ({ body: 'Second source contacted' }),
    };
    /** Path parameters that are not resource ids get a value of their own shape, so only the body is wrong. */
    const PATH_PLACEHOLDERS: Record<string, string> = { deliveryId: '1', checkpoint: '1' };

    const roleFor = (permission: Permission): ApiKeyRole =>
      (Object.entries(ROLE_PERMISSIONS) as Array<[ApiKeyRole, readonly Permission[]]>).find(([, permissions]) => permissions.includes(permission))![0];

    it('every route with a body refuses an unknown field with a 400 naming it, and writes nothing', async () => {
      const writes = api.app
        .get(RouteInventory)
        .list()
        .filter((route) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method));
      expect(writes.length).toBeGreaterThanOrEqual(Object.keys(VALID_BODIES).length);
      const answers: Record<string, unknown> = {};
      for (const route of writes) {
        const name = `${route.method} ${route.path}`;
        const body = VALID_BODIES[name];
        if (!body || route.access.kind !== 'permission') {
          answers[name] = 'no valid body in VALID_BODIES, or not a permission route';
          continue;
        }
        const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => PATH_PLACEHOLDERS[name] ?? randomUUID());
        const events = await api.eventCount();
        const response = await api.as(roleFor(route.access.permission))[route.method.toLowerCase() as 'post'](path).send({ ...body(), zzUnknown: true });
        answers[name] = { status: response.status, errors: response.body.errors, wrote: (await api.eventCount()) - events };
      }
      const expected = Object.fromEntries(writes.map((route) => [`${route.method} ${route.path}`, { status: 400, errors: [{ field: 'zzUnknown', message: 'unknown field' }], wrote: 0 }]));
      expect(answers).toEqual(expected);
    });

    it('an unknown field inside a nested object is named with its path', async () => {
      const response = await api.http().post('/claims').send(openClaimBody(source, { report: { ...report(source), via: 'telegram' } }));
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'report.via', message: 'unknown field' }]);
    });
  });
});
