import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { ApiKeyRole } from '@claims/contracts';
import { roleHasPermission } from '@claims/domain';
import { RouteInventory, type RouteDescription } from '../../apps/api/src/auth/route-inventory';
import { openClaimBody, registerSource, report, TEST_KEY_SECRETS } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { createTestApiKey } from '../support/api-keys';

const ROLES = ['admin', 'editor', 'analyst', 'auditor', 'reader', 'feed', 'protector'] as const satisfies readonly ApiKeyRole[];

interface Ids {
  sourceId: string;
  claimId: string;
  otherClaimId: string;
  reportId: string;
  evidenceId: string;
  checkpoint: string;
  keyId: string;
  webhookId: string;
  deliveryId: string;
  taskId: string;
}

const EVIDENCE = { url: 'https://archive.example.org/kalamba.mp4', sha256: 'ab'.repeat(32), mediaType: 'video/mp4' };

/** A body each write route would accept: refused for its query alone, a request cannot be mistaken for an invalid one. */
const BODIES: Record<string, (ids: Ids) => object | undefined> = {
  'POST /sources': () => ({ name: 'Kidal Info', kind: 'news_outlet' }),
  'PATCH /sources/:sourceId': () => ({ name: 'Kidal Info (renamed)' }),
  'PUT /sources/:sourceId/reliability': () => ({ reliability: 'B', reason: 'Two years without a correction' }),
  'POST /sources/:sourceId/erasure': () => ({ reason: 'The witness asked to be forgotten' }),
  'POST /claims': (ids) => openClaimBody(ids.sourceId),
  'POST /claims/:claimId/reports': (ids) => ({ stance: 'supports', report: report(ids.sourceId, { url: 'https://news.example.org/other' }) }),
  'POST /claims/:claimId/reports/:reportId/retraction': () => ({ reason: 'The outlet withdrew the story' }),
  'POST /claims/:claimId/evidence': () => ({ ...EVIDENCE, sha256: 'cd'.repeat(32) }),
  'PUT /claims/:claimId/statement': () => ({ statement: 'ISGS executed two men near Kalamba', reason: 'One survived' }),
  'PUT /claims/:claimId/verdict': () => ({ verdict: 'confirmed', rationale: 'Geolocated video' }),
  'POST /claims/:claimId/verdict/withdrawal': () => ({ reason: 'The video was older' }),
  'POST /claims/:claimId/merge': (ids) => ({ intoClaimId: ids.otherClaimId, reason: 'Same event' }),
  'POST /audit/checkpoints': () => undefined,
  'POST /audit/checkpoints/:checkpoint/cosignatures': () => ({ cosignature: '\u2014 witness.test/w1 AAAAAAAA' }),
  'POST /admin/api-keys': () => ({ name: 'new reader', role: 'reader' }),
  'POST /admin/api-keys/:keyId/revocation': () => ({ reason: 'left' }),
  'PUT /admin/api-keys/:keyId/expiry': () => ({ expiresAt: '2030-01-01T00:00:00Z' }),
  'POST /admin/webhooks': () => ({ url: 'https://hooks.example.org/claims' }),
  'PATCH /admin/webhooks/:webhookId': () => ({ paused: true }),
  'DELETE /admin/webhooks/:webhookId': () => undefined,
  'POST /admin/webhooks/:webhookId/secret-rotation': () => undefined,
  'POST /admin/webhooks/:webhookId/deliveries/:deliveryId/redelivery': () => undefined,
  'PUT /claims/:claimId/assignment': (ids) => ({ assignee: ids.keyId }),
  'DELETE /claims/:claimId/assignment': () => undefined,
  'PUT /claims/:claimId/work-state': () => ({ state: 'in_progress' }),
  'POST /claims/:claimId/tasks': () => ({ name: 'check the weather' }),
  'PUT /claims/:claimId/tasks/:taskId': () => ({ done: true }),
  'POST /claims/:claimId/comments': () => ({ body: 'Second source contacted' }),
};

describe('query strings: every route refuses a parameter it does not declare', () => {
  let api: ApiTestApp;
  let ids: Ids;

  beforeAll(async () => {
    api = await startApiTestApp();
    const sourceId = await registerSource(api, { name: 'Outlet 1', reliability: 'C' });
    const claimId = (await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201)).body.id as string;
    const otherClaimId = (await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201)).body.id as string;
    const reportSource = await registerSource(api, { name: 'Outlet 2', reliability: 'C' });
    const reportId = (await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(reportSource) }).expect(201)).body.reportId as string;
    const evidenceId = (await api.http().post(`/claims/${claimId}/evidence`).send(EVIDENCE).expect(201)).body.evidenceId as string;
    const checkpoint = String((await api.as('auditor').post('/audit/checkpoints').expect(201)).body.id);
    const keyId = (await createTestApiKey(api.db.pool, 'reader')).id;
    ids = { sourceId, claimId, otherClaimId, reportId, evidenceId, checkpoint, keyId, webhookId: randomUUID(), deliveryId: '1', taskId: 'geolocate' };
  });
  afterAll(() => api.close());

  const pathOf = (route: RouteDescription): string => route.path.replace(/:([A-Za-z]+)/g, (_, name: keyof Ids) => ids[name]);

  /**
   * Rows in every table of the database: a refused request changes none. The rate limiter's buckets are
   * left out: a refused request still spends its key's budget, and that is the point of a limit.
   */
  const rowCounts = async (): Promise<Record<string, number>> => {
    const { rows: tables } = await api.db.pool.query<{ name: string }>(
      "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'rate_limit_buckets' ORDER BY 1",
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = Number((await api.db.pool.query<{ count: string }>(`SELECT count(*) FROM ${name}`)).rows[0].count);
    return counts;
  };

  /** The request a caller allowed on the route would send (public routes without a key). */
  const requestFor = (route: RouteDescription, query: string) => {
    const role = route.access.kind === 'permission' ? ROLES.find((candidate) => roleHasPermission(candidate, (route.access as { permission: Parameters<typeof roleHasPermission>[1] }).permission)) : undefined;
    const client = role ? api.as(role) : api.anonymous();
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let test = client[method](`${pathOf(route)}${query}`).timeout(5_000);
    if (method !== 'get') test = test.set('Idempotency-Key', randomUUID());
    const body = BODIES[`${route.method} ${route.path}`]?.(ids);
    if (body !== undefined) test = test.send(body);
    return test;
  };

  it('every route of the inventory answers 400 VALIDATION_FAILED naming query.dryRun, and writes nothing', async () => {
    const routes = api.app.get(RouteInventory).list();
    const writes = routes.filter((route) => route.method !== 'GET').map((route) => `${route.method} ${route.path}`);
    expect({ writeRoutesWithoutBody: writes.filter((route) => !(route in BODIES)) }).toEqual({ writeRoutesWithoutBody: [] });

    const answers: Array<{ route: string; status: number; code?: string; field?: string }> = [];
    const changed: Array<{ route: string; before: Record<string, number>; after: Record<string, number> }> = [];
    for (const route of routes) {
      const before = await rowCounts();
      const response = await requestFor(route, '?dryRun=true').catch((error: Error) => ({ status: 0, body: { detail: error.message } }));
      answers.push({ route: `${route.method} ${route.path}`, status: response.status, code: response.body?.code, field: response.body?.field });
      const after = await rowCounts();
      if (JSON.stringify(after) !== JSON.stringify(before)) changed.push({ route: `${route.method} ${route.path}`, before, after });
    }
    expect(answers).toEqual(routes.map((route) => ({ route: `${route.method} ${route.path}`, status: 400, code: 'VALIDATION_FAILED', field: 'query.dryRun' })));
    expect(changed).toEqual([]);
  });

  it('the reviewed cases: each is refused with the parameter named, and the same request without it goes through', async () => {
    const reliability = { reliability: 'B', reason: 'Two years without a correction' };
    const refused = await api.http().put(`/sources/${ids.sourceId}/reliability?dryRun=true`).send(reliability);
    expect(refused.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'query.dryRun', errors: [{ field: 'query.dryRun' }] });
    const before = await api.eventCount();
    await api.http().put(`/sources/${ids.sourceId}/reliability`).send(reliability).expect(200);
    expect(await api.eventCount()).toBe(before + 1);

    expect((await api.http().post('/sources?validateOnly=1').send({ name: 'Menaka Daily', kind: 'news_outlet' })).body).toMatchObject({ status: 400, field: 'query.validateOnly' });
    expect((await api.http().get(`/sources/${ids.sourceId}?fields=name`)).body).toMatchObject({ status: 400, field: 'query.fields' });
    await api.http().get(`/sources/${ids.sourceId}`).expect(200);

    // Declared parameters pass; only the undeclared ones are named, each of them.
    const mixed = await api.as('reader').get('/claims?limit=5&fields=name&expand=all');
    expect(mixed.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'query.fields' }, { field: 'query.expand' }] });
    expect(mixed.body.errors).toHaveLength(2);
    await api.as('reader').get('/claims?limit=5').expect(200);
  });

  it('access_token: accepted where declared (the status stream), KEY_IN_QUERY_NOT_ACCEPTED without a header elsewhere, undeclared beside one', async () => {
    await api.app.listen(0, '127.0.0.1');
    const port = (api.app.getHttpServer().address() as AddressInfo).port;
    const stream = await new Promise<{ status: number; contentType: string }>((resolve, reject) => {
      const request = http.get(`http://127.0.0.1:${port}/feeds/status-changes?from=now&access_token=${TEST_KEY_SECRETS.feed.secret}`, { headers: { Accept: 'text/event-stream' } }, (response) => {
        resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type']) });
        request.destroy();
      });
      request.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
    });
    expect(stream).toEqual({ status: 200, contentType: expect.stringMatching(/^text\/event-stream/) });

    const inUrl = await api.anonymous().get(`/claims?access_token=${TEST_KEY_SECRETS.reader.secret}`);
    expect(inUrl.body).toMatchObject({ status: 401, code: 'KEY_IN_QUERY_NOT_ACCEPTED' });
    const besideHeader = await api.as('reader').get(`/claims?access_token=${TEST_KEY_SECRETS.reader.secret}`);
    expect(besideHeader.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'query.access_token' });
  });
});
