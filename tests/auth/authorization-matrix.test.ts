import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiKeyRole } from '@claims/contracts';
import { enqueueStatusChange } from '@claims/feed';
import { claimStreamId } from '@claims/contracts';
import { cosignatureLine, parseNote, parseNoteSigningKey } from '@claims/event-store';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RouteInventory } from '../../apps/api/src/auth/route-inventory';
import { CONSOLE_DIST } from '../../apps/api/src/console/console-build';
import { TEST_WITNESS_SIGNING_KEY } from '../audit/transparency-keys';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, TEST_KEYS_ISSUED_AT, type ApiTestApp } from '../api/api-test-app';
import { createTestApiKey, fixedApiKeySecret, revokeTestApiKey } from '../support/api-keys';

/**
 * Who may call what. One row per route of the application: `PUBLIC`, or for each role whether it is
 * allowed (2xx) or refused (403). Without a valid key (none, malformed, wrong secret, expired, revoked),
 * every non-public route answers 401. A route the application has and this table lacks fails the test:
 * new routes must be classified here.
 */
const PUBLIC = 'public' as const;
const y = true;
const _ = false;
const ROLES = ['admin', 'editor', 'analyst', 'auditor', 'reader', 'feed', 'protector'] as const satisfies readonly ApiKeyRole[];

// prettier-ignore
const MATRIX: Record<string, typeof PUBLIC | readonly [admin: boolean, editor: boolean, analyst: boolean, auditor: boolean, reader: boolean, feed: boolean, protector: boolean]> = {
  //                                                  admin editor analyst auditor reader feed protector
  'GET /health':                                      PUBLIC,
  'GET /health/live':                                 PUBLIC,
  'GET /health/ready':                                PUBLIC,
  'GET /openapi.json':                                PUBLIC,
  'GET /docs':                                        PUBLIC,
  'GET /docs/assets/*':                               PUBLIC,
  'GET /console':                                     PUBLIC,
  'GET /console/assets/*':                            PUBLIC,
  'GET /asyncapi.json':                               PUBLIC,
  'POST /sources':                                    [_,    y,     y,      _,      _,     _, _],
  'GET /sources/:sourceId':                           [_,    y,     y,      y,      y,     _, y],
  'PATCH /sources/:sourceId':                         [_,    y,     _,      _,      _,     _, _],
  'PUT /sources/:sourceId/reliability':               [_,    y,     _,      _,      _,     _, _],
  'POST /claims':                                     [_,    y,     y,      _,      _,     _, _],
  'GET /claims':                                      [_,    y,     y,      y,      y,     _, y],
  'GET /claims/:claimId':                             [_,    y,     y,      y,      y,     _, y],
  'POST /claims/:claimId/reports':                    [_,    y,     y,      _,      _,     _, _],
  'GET /claims/:claimId/reports/:reportId':           [_,    y,     y,      y,      y,     _, y],
  'POST /claims/:claimId/reports/:reportId/retraction': [_,  y,     y,      _,      _,     _, _],
  'POST /claims/:claimId/evidence':                   [_,    y,     y,      _,      _,     _, _],
  'GET /claims/:claimId/evidence/:evidenceId':        [_,    y,     y,      y,      y,     _, y],
  'PUT /claims/:claimId/statement':                   [_,    y,     _,      _,      _,     _, _],
  'PUT /claims/:claimId/verdict':                     [_,    y,     _,      _,      _,     _, _],
  'POST /claims/:claimId/verdict/withdrawal':         [_,    y,     _,      _,      _,     _, _],
  'POST /claims/:claimId/merge':                      [_,    y,     _,      _,      _,     _, _],
  'GET /claims/:claimId/claim-review':               [_,    y,     y,      y,      y,     _, y],
  'GET /claim-reviews':                               [_,    y,     y,      y,      y,     _, y],
  'GET /claims/:claimId/history':                     [_,    y,     y,      y,      _,     _, _],
  'GET /audit/verify':                                [_,    _,     _,      y,      _,     _, _],
  'GET /audit/checkpoints':                           [_,    _,     _,      y,      _,     _, _],
  'POST /audit/checkpoints':                          [_,    _,     _,      y,      _,     _, _],
  'GET /audit/checkpoints/:checkpoint/verify':        [_,    _,     _,      y,      _,     _, _],
  'GET /audit/checkpoints/latest':                    [_,    _,     _,      y,      _,     _, _],
  'POST /audit/checkpoints/:checkpoint/cosignatures': [y,    _,     _,      y,      _,     _, _],
  'GET /audit/public-key':                            PUBLIC,
  'GET /audit/proofs/inclusion':                      [_,    _,     _,      y,      _,     _, _],
  'GET /audit/proofs/consistency':                    [_,    _,     _,      y,      _,     _, _],
  'GET /audit/export':                                [_,    _,     _,      y,      _,     _, _],
  'GET /feeds/status-changes':                        [_,    y,     y,      y,      y,     y, y],
  'GET /feeds/status-changes/page':                   [_,    y,     y,      y,      y,     y, y],
  'POST /admin/api-keys':                             [y,    _,     _,      _,      _,     _, _],
  'GET /admin/api-keys':                              [y,    _,     _,      _,      _,     _, _],
  'GET /admin/api-keys/:keyId':                       [y,    _,     _,      _,      _,     _, _],
  'POST /admin/api-keys/:keyId/revocation':           [y,    _,     _,      _,      _,     _, _],
  'PUT /admin/api-keys/:keyId/expiry':                [y,    _,     _,      _,      _,     _, _],
  'POST /admin/webhooks':                             [y,    _,     _,      _,      _,     _, _],
  'GET /admin/webhooks':                              [y,    _,     _,      _,      _,     _, _],
  'GET /admin/webhooks/:webhookId':                   [y,    _,     _,      _,      _,     _, _],
  'PATCH /admin/webhooks/:webhookId':                 [y,    _,     _,      _,      _,     _, _],
  'DELETE /admin/webhooks/:webhookId':                [y,    _,     _,      _,      _,     _, _],
  'POST /admin/webhooks/:webhookId/secret-rotation':  [y,    _,     _,      _,      _,     _, _],
  'GET /admin/webhooks/:webhookId/deliveries':        [y,    _,     _,      _,      _,     _, _],
  'POST /admin/webhooks/:webhookId/deliveries/:deliveryId/redelivery': [y, _, _, _,   _,     _, _],
  'GET /claims/:claimId/work':                        [_,    y,     y,      y,      y,     _, y],
  'GET /claims/:claimId/work/history':                [_,    y,     y,      y,      y,     _, y],
  'PUT /claims/:claimId/assignment':                  [_,    y,     y,      _,      _,     _, _],
  'DELETE /claims/:claimId/assignment':               [_,    y,     y,      _,      _,     _, _],
  'PUT /claims/:claimId/work-state':                  [_,    y,     y,      _,      _,     _, _],
  'GET /claims/:claimId/tasks':                       [_,    y,     y,      y,      y,     _, y],
  'POST /claims/:claimId/tasks':                      [_,    y,     y,      _,      _,     _, _],
  'PUT /claims/:claimId/tasks/:taskId':               [_,    y,     y,      _,      _,     _, _],
  'GET /claims/:claimId/comments':                    [_,    y,     y,      y,      y,     _, y],
  'POST /claims/:claimId/comments':                   [_,    y,     y,      _,      _,     _, _],
  'GET /desk/queue':                                  [_,    y,     y,      y,      y,     _, y],
  'GET /desk/people':                                 [_,    y,     y,      y,      y,     _, y],
  'GET /desk/me':                                     [_,    y,     y,      y,      y,     _, y],
  // Confidential sources (docs/protection.md): only the protector erases and reviews who read identities.
  'POST /sources/:sourceId/erasure':                  [_,    _,     _,      _,      _,     _,   y],
  'GET /protection/access-log':                       [_,    _,     _,      _,      _,     _,   y],
};

/** Routes served outside Nest's router (express.static), so not in the route inventory. */
const STATIC_ROUTES = ['GET /docs/assets/*', 'GET /console', 'GET /console/assets/*'];

interface Call {
  path: string;
  body?: unknown;
  /** A Server-Sent Events stream: only the status line is awaited. */
  stream?: boolean;
}

/**
 * A valid request for each route, built on resources of its own, so an allowed call succeeds and a
 * refused one cannot be mistaken for a validation or state error.
 */
const REQUESTS: Record<string, (api: ApiTestApp) => Promise<Call>> = {
  'GET /health': async () => ({ path: '/health' }),
  'GET /health/live': async () => ({ path: '/health/live' }),
  'GET /health/ready': async () => ({ path: '/health/ready' }),
  'GET /openapi.json': async () => ({ path: '/openapi.json' }),
  'GET /asyncapi.json': async () => ({ path: '/asyncapi.json' }),
  'GET /docs': async () => ({ path: '/docs' }),
  'GET /docs/assets/*': async () => ({ path: '/docs/assets/swagger-ui.css' }),
  'GET /console': async () => ({ path: '/console' }),
  'GET /console/assets/*': async () => ({ path: builtConsoleScript() }),
  'POST /sources': async () => ({ path: '/sources', body: { name: 'Kidal Info', kind: 'news_outlet' } }),
  'GET /sources/:sourceId': async (api) => ({ path: `/sources/${await source(api)}` }),
  'PATCH /sources/:sourceId': async (api) => ({ path: `/sources/${await source(api)}`, body: { name: 'Kidal Info (renamed)' } }),
  'PUT /sources/:sourceId/reliability': async (api) => ({ path: `/sources/${await source(api)}/reliability`, body: { reliability: 'B', reason: 'Two years without a correction' } }),
  'POST /claims': async (api) => ({ path: '/claims', body: openClaimBody(await source(api)) }),
  'GET /claims': async () => ({ path: '/claims?limit=5' }),
  'GET /claims/:claimId': async (api) => ({ path: `/claims/${await claim(api)}` }),
  'POST /claims/:claimId/reports': async (api) => ({ path: `/claims/${await claim(api)}/reports`, body: { stance: 'supports', report: report(await source(api)) } }),
  'GET /claims/:claimId/reports/:reportId': async (api) => {
    const { claimId, reportId } = await claimWithReport(api);
    return { path: `/claims/${claimId}/reports/${reportId}` };
  },
  'POST /claims/:claimId/reports/:reportId/retraction': async (api) => {
    const { claimId, reportId } = await claimWithReport(api);
    return { path: `/claims/${claimId}/reports/${reportId}/retraction`, body: { reason: 'The outlet withdrew the story' } };
  },
  'POST /claims/:claimId/evidence': async (api) => ({ path: `/claims/${await claim(api)}/evidence`, body: EVIDENCE }),
  'GET /claims/:claimId/evidence/:evidenceId': async (api) => {
    const claimId = await claim(api);
    const { body } = await api.http().post(`/claims/${claimId}/evidence`).send(EVIDENCE).expect(201);
    return { path: `/claims/${claimId}/evidence/${body.evidenceId}` };
  },
  'PUT /claims/:claimId/statement': async (api) => ({ path: `/claims/${await claim(api)}/statement`, body: { statement: 'ISGS executed two men near Kalamba', reason: 'One survived' } }),
  'PUT /claims/:claimId/verdict': async (api) => ({ path: `/claims/${await claim(api)}/verdict`, body: { verdict: 'confirmed', rationale: 'Geolocated video' } }),
  'POST /claims/:claimId/verdict/withdrawal': async (api) => {
    const claimId = await claim(api);
    await api.http().put(`/claims/${claimId}/verdict`).send({ verdict: 'confirmed', rationale: 'Geolocated video' }).expect(200);
    return { path: `/claims/${claimId}/verdict/withdrawal`, body: { reason: 'The video was older' } };
  },
  'POST /claims/:claimId/merge': async (api) => ({ path: `/claims/${await claim(api)}/merge`, body: { intoClaimId: await claim(api), reason: 'Same event' } }),
  'GET /claims/:claimId/history': async (api) => ({ path: `/claims/${await claim(api)}/history` }),
  'GET /claims/:claimId/claim-review': async (api) => {
    const claimId = await claim(api);
    await api.http().put(`/claims/${claimId}/verdict`).send({ verdict: 'false', rationale: 'The video predates the attack' }).expect(200);
    return { path: `/claims/${claimId}/claim-review` };
  },
  'GET /claim-reviews': async () => ({ path: '/claim-reviews?status=false' }),
  'GET /audit/verify': async () => ({ path: '/audit/verify' }),
  'GET /audit/checkpoints': async () => ({ path: '/audit/checkpoints' }),
  'POST /audit/checkpoints': async () => ({ path: '/audit/checkpoints' }),
  'GET /audit/checkpoints/:checkpoint/verify': async (api) => {
    const { body } = await api.as('auditor').post('/audit/checkpoints').expect(201);
    return { path: `/audit/checkpoints/${body.id}/verify` };
  },
  'GET /audit/export': async (api) => ({ path: `/audit/export?claim=${await claim(api)}` }),
  'GET /audit/checkpoints/latest': async (api) => {
    await api.as('auditor').post('/audit/checkpoints').expect(201);
    return { path: '/audit/checkpoints/latest' };
  },
  'POST /audit/checkpoints/:checkpoint/cosignatures': async (api) => {
    await claim(api);
    const { body } = await api.as('auditor').post('/audit/checkpoints').expect(201);
    const witness = parseNoteSigningKey(TEST_WITNESS_SIGNING_KEY);
    return { path: `/audit/checkpoints/${body.id}/cosignatures`, body: { cosignature: cosignatureLine(parseNote(body.note).body, witness, 1_709_287_200) } };
  },
  'GET /audit/public-key': async () => ({ path: '/audit/public-key' }),
  'GET /audit/proofs/inclusion': async (api) => {
    const { body: claimBody } = await api.http().post('/claims').send(openClaimBody(await source(api))).expect(201);
    const [event] = await api.store.readStream(claimStreamId(claimBody.id));
    const { body } = await api.as('auditor').post('/audit/checkpoints').expect(201);
    return { path: `/audit/proofs/inclusion?eventId=${event.eventId}&treeSize=${body.treeSize}` };
  },
  'GET /audit/proofs/consistency': async (api) => {
    await claim(api);
    const { body } = await api.as('auditor').post('/audit/checkpoints').expect(201);
    return { path: `/audit/proofs/consistency?from=1&to=${body.treeSize}` };
  },
  'GET /feeds/status-changes': async () => ({ path: '/feeds/status-changes?from=now', stream: true }),
  'GET /feeds/status-changes/page': async () => ({ path: '/feeds/status-changes/page?limit=5' }),
  'POST /admin/api-keys': async () => ({ path: '/admin/api-keys', body: { name: 'new reader', role: 'reader' } }),
  'GET /admin/api-keys': async () => ({ path: '/admin/api-keys' }),
  'GET /admin/api-keys/:keyId': async (api) => ({ path: `/admin/api-keys/${(await createTestApiKey(api.db.pool, 'reader')).id}` }),
  'POST /admin/api-keys/:keyId/revocation': async (api) => ({ path: `/admin/api-keys/${(await createTestApiKey(api.db.pool, 'reader')).id}/revocation`, body: { reason: 'left' } }),
  'PUT /admin/api-keys/:keyId/expiry': async (api) => ({ path: `/admin/api-keys/${(await createTestApiKey(api.db.pool, 'reader')).id}/expiry`, body: { expiresAt: '2030-01-01T00:00:00Z' } }),
  'POST /admin/webhooks': async () => ({ path: '/admin/webhooks', body: { url: WEBHOOK_URL, filter: { claim: randomUUID() } } }),
  'GET /admin/webhooks': async () => ({ path: '/admin/webhooks' }),
  'GET /admin/webhooks/:webhookId': async (api) => ({ path: `/admin/webhooks/${(await webhook(api)).id}` }),
  'PATCH /admin/webhooks/:webhookId': async (api) => ({ path: `/admin/webhooks/${(await webhook(api)).id}`, body: { description: 'renamed' } }),
  'DELETE /admin/webhooks/:webhookId': async (api) => ({ path: `/admin/webhooks/${(await webhook(api)).id}` }),
  'POST /admin/webhooks/:webhookId/secret-rotation': async (api) => ({ path: `/admin/webhooks/${(await webhook(api)).id}/secret-rotation` }),
  'GET /admin/webhooks/:webhookId/deliveries': async (api) => ({ path: `/admin/webhooks/${(await webhook(api)).id}/deliveries?limit=5` }),
  'POST /admin/webhooks/:webhookId/deliveries/:deliveryId/redelivery': async (api) => {
    const { id, claimId } = await webhook(api);
    await enqueueStatusChange(api.db.pool, {
      claimId,
      before: null,
      after: { publishedStatus: 'unverified', credibilityRating: 6, confidence: 0.5, band: 'roughly_even_chance', modelVersion: 'assessment-model-v1' },
      cause: { eventId: randomUUID(), eventType: 'ClaimAsserted', streamId: `claim-${claimId}`, streamVersion: 1, position: { transactionId: '1', globalPosition: 1 }, recordedAt: new Date() },
    });
    const { rows } = await api.db.pool.query<{ id: string }>("UPDATE webhook_deliveries SET state = 'failed', failed_at = now() WHERE webhook_id = $1 RETURNING id", [id]);
    return { path: `/admin/webhooks/${id}/deliveries/${rows[0].id}/redelivery` };
  },
  'GET /claims/:claimId/work': async (api) => ({ path: `/claims/${await claim(api)}/work` }),
  'GET /claims/:claimId/work/history': async (api) => ({ path: `/claims/${await claim(api)}/work/history` }),
  'PUT /claims/:claimId/assignment': async (api) => ({ path: `/claims/${await claim(api)}/assignment`, body: { assignee: api.keys.analyst.id } }),
  'DELETE /claims/:claimId/assignment': async (api) => {
    const claimId = await claim(api);
    await api.http().put(`/claims/${claimId}/assignment`).send({ assignee: api.keys.analyst.id }).expect(200);
    return { path: `/claims/${claimId}/assignment` };
  },
  'PUT /claims/:claimId/work-state': async (api) => ({ path: `/claims/${await claim(api)}/work-state`, body: { state: 'in_progress' } }),
  'GET /claims/:claimId/tasks': async (api) => ({ path: `/claims/${await claim(api)}/tasks` }),
  'POST /claims/:claimId/tasks': async (api) => ({ path: `/claims/${await claim(api)}/tasks`, body: { name: 'Ask the stringer in Ménaka' } }),
  'PUT /claims/:claimId/tasks/:taskId': async (api) => ({ path: `/claims/${await claim(api)}/tasks/geolocate`, body: { done: true } }),
  'GET /claims/:claimId/comments': async (api) => ({ path: `/claims/${await claim(api)}/comments` }),
  'POST /claims/:claimId/comments': async (api) => ({ path: `/claims/${await claim(api)}/comments`, body: { body: 'The video matches the market square.' } }),
  'GET /desk/queue': async () => ({ path: '/desk/queue?limit=5' }),
  'GET /desk/people': async () => ({ path: '/desk/people' }),
  'GET /desk/me': async () => ({ path: '/desk/me' }),
  'POST /sources/:sourceId/erasure': async (api) => ({
    path: `/sources/${await registerSource(api, { name: `Witness ${++sources}`, kind: 'local_contact', confidential: true })}/erasure`,
    body: { reason: 'The witness asked to be forgotten' },
  }),
  'GET /protection/access-log': async () => ({ path: '/protection/access-log?limit=5' }),
};

// A public address (TEST-NET-2), never reached: each endpoint is paused and filtered to a claim of its own.
const WEBHOOK_URL = 'https://198.51.100.7/claim-ledger';
const webhook = async (api: ApiTestApp): Promise<{ id: string; claimId: string }> => {
  const claimId = randomUUID();
  const { body } = await api.as('admin').post('/admin/webhooks').send({ url: WEBHOOK_URL, filter: { claim: claimId } }).expect(201);
  await api.as('admin').patch(`/admin/webhooks/${body.id}`).send({ paused: true }).expect(200);
  return { id: body.id, claimId };
};
const EVIDENCE = { url: 'https://archive.example.org/kalamba.mp4', sha256: 'ab'.repeat(32), mediaType: 'video/mp4' };
/** The console's built script (its name carries a content hash), as index.html loads it. */
const builtConsoleScript = () => /src="(\/console\/assets\/[^"]+\.js)"/.exec(readFileSync(path.join(CONSOLE_DIST, 'index.html'), 'utf8'))![1];
let sources = 0;
const source = (api: ApiTestApp) => registerSource(api, { name: `Outlet ${++sources}`, reliability: 'C' });
const claim = async (api: ApiTestApp): Promise<string> => (await api.http().post('/claims').send(openClaimBody(await source(api))).expect(201)).body.id;
const claimWithReport = async (api: ApiTestApp) => {
  const claimId = await claim(api);
  const { body } = await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(await source(api)) }).expect(201);
  return { claimId, reportId: body.reportId as string };
};

type Caller = ApiKeyRole | 'no key' | 'malformed key' | 'wrong secret' | 'expired key' | 'revoked key';
const INVALID_CALLERS = ['no key', 'malformed key', 'wrong secret', 'expired key', 'revoked key'] as const;

describe('authorization matrix: every route, every role', () => {
  let api: ApiTestApp;
  let base: string;
  const headers = new Map<Caller, Record<string, string>>();

  beforeAll(async () => {
    api = await startApiTestApp();
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    for (const role of ROLES) headers.set(role, api.keys[role].header);
    headers.set('no key', {});
    headers.set('malformed key', { Authorization: 'Bearer not-a-key' });
    headers.set('wrong secret', { Authorization: `Bearer ${api.keys.editor.secret.slice(0, -4)}AAAA` });
    const expired = await createTestApiKey(api.db.pool, 'editor', { now: TEST_KEYS_ISSUED_AT, expiresAt: '2024-02-01T00:00:00Z', secret: fixedApiKeySecret('e1', 'x') });
    headers.set('expired key', expired.header);
    const revoked = await createTestApiKey(api.db.pool, 'editor', { now: TEST_KEYS_ISSUED_AT, secret: fixedApiKeySecret('e2', 'y') });
    await revokeTestApiKey(api.db.pool, revoked.id);
    headers.set('revoked key', revoked.header);
  });
  afterAll(() => api.close());

  /** Sends the call; for a stream, resolves with the status once the headers arrive and hangs up. */
  const send = async (method: string, call: Call, caller: Caller): Promise<{ status: number; contentType: string }> => {
    if (call.stream) {
      return new Promise((resolve, reject) => {
        const request = http.get(`${base}${call.path}`, { headers: { Accept: 'text/event-stream', ...headers.get(caller) } }, (response) => {
          resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type']) });
          request.destroy();
        });
        request.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
      });
    }
    let test = api.anonymous()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch'](call.path).set(headers.get(caller) ?? {});
    if (call.body !== undefined) test = test.send(call.body as object);
    const response = await test;
    return { status: response.status, contentType: String(response.headers['content-type']) };
  };

  it('classifies every route the application serves, and nothing else', () => {
    const served = [...api.app.get(RouteInventory).list().map((route) => `${route.method} ${route.path}`), ...STATIC_ROUTES].sort();
    const classified = Object.keys(MATRIX).sort();
    expect({ missingFromMatrix: served.filter((route) => !classified.includes(route)) }).toEqual({ missingFromMatrix: [] });
    expect({ notServed: classified.filter((route) => !served.includes(route)) }).toEqual({ notServed: [] });
    expect(Object.keys(REQUESTS).sort()).toEqual(classified);
  });

  it('declares access on every route: none is left to the deny-by-default fallback', () => {
    const unclassified = api.app.get(RouteInventory).list().filter((route) => route.access.kind === 'unclassified').map((route) => route.handler);
    expect(unclassified).toEqual([]);
  });

  describe.each(Object.entries(MATRIX))('%s', (route, rule) => {
    const [method] = route.split(' ');
    const callers: Array<[Caller, number | '2xx']> = [
      ...ROLES.map((role, index): [Caller, number | '2xx'] => [role, rule === PUBLIC || rule[index] ? '2xx' : 403]),
      ...INVALID_CALLERS.map((caller): [Caller, number | '2xx'] => [caller, rule === PUBLIC ? '2xx' : 401]),
    ];
    it.each(callers)('%s → %s', async (caller, expected) => {
      const call = await REQUESTS[route](api);
      const before = await api.eventCount();
      const { status, contentType } = await send(method, call, caller);
      if (expected === '2xx') {
        expect({ caller, status, success: status >= 200 && status < 300 }).toMatchObject({ success: true });
      } else {
        expect({ caller, status }).toEqual({ caller, status: expected });
        expect(contentType).toMatch(/^application\/problem\+json/);
        expect(await api.eventCount()).toBe(before);
      }
    });
  });
});
