import fc from 'fast-check';
import { ProblemDetailsSchema, type ApiKeyRole } from '@claims/contracts';
import { ROLE_PERMISSIONS } from '@claims/domain';
import { RouteInventory, type RouteDescription } from '../../apps/api/src/auth/route-inventory';
import { problemType } from '../../apps/api/src/http/problem';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { createTestApiKey } from '../support/api-keys';

/**
 * Hostile input against every write route the application serves (found from its router, so new ones are
 * fuzzed too), with a key that holds the route's permission so the input reaches validation and beyond:
 * every answer is one the contract lists, every refusal is problem+json with a stable code (naming the field
 * when the input's form is at fault) and without internals, and a refused request writes nothing.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

/**
 * Every status a write route may answer to a key that holds its permission: success, or a refusal of the
 * input (400 invalid, 404 unknown id, 409 conflict, 412 stale If-Match, 413 body too large, 415 not JSON,
 * 422 refused by the domain, 431 headers too large). Anything else (a 5xx, a 401/403 for a permitted key,
 * a 3xx) breaks the contract.
 */
const ANSWERS = new Set([200, 201, 204, 400, 404, 409, 412, 413, 415, 422, 431]);
/** Refusals of the request's form must say which input was at fault. */
const NAMES_THE_FIELD = new Set([400, 412, 413, 415]);
const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

const SQL = ["'; DROP TABLE events; --", "' OR '1'='1", '1; UPDATE events SET data = null', "$$; DELETE FROM api_keys; $$", "x' UNION SELECT secret_hash FROM api_keys --", '\\x00', "E'\\\\'"];
const SCRIPT = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{constructor.constructor("alert(1)")()}}', '${7*7}'];
const UNICODE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u202eevil', '\u200b', '\ufeff', 'e\u0301', '👩‍👩‍👧‍👦', '\u0085\u2028\u2029', 'Ｚａｌｇｏ̷̨̛', 'ﷺ'.repeat(100)];
const PATHS = ['../../etc/passwd', '%00', '%2e%2e%2f', 'http://169.254.169.254/latest/meta-data/', 'file:///etc/passwd', 'https://user:pass@evil.example/', 'ftp://x'];

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...SQL, ...SCRIPT, ...UNICODE, ...PATHS),
  fc.constantFrom('', ' ', '\t\n', 'a'.repeat(2001), 'é'.repeat(5001), 'x'.repeat(100_000)),
  fc.constantFrom('2024-02-30T00:00:00Z', '9999-99-99', '1970-01-01T00:00:00Z', 'ab'.repeat(32).toUpperCase(), 'g'.repeat(64), '00000000-0000-0000-0000-000000000000'),
);
const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2));
const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null), fc.constant({}), fc.constant([]));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileLeaf },
  { weight: 1, arbitrary: fc.array(hostileLeaf, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), hostileLeaf, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 2000 }, () => 'x')) },
);

/** Percent-encodes a path segment; text that is not Unicode becomes invalid UTF-8 bytes, hostile in its own way. */
const encodePathValue = (value: string): string => {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
};

/** A JSON text nested `depth` levels deep, e.g. `{"a":[[[...]]]}`. */
const deepJson = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };

/** Every path to a leaf of a JSON value. */
const leafPaths = (value: unknown, path: Array<string | number> = []): Array<Array<string | number>> => {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return entries.length === 0 ? [path] : entries.flatMap(([key, item]) => [path, ...leafPaths(item, [...path, key])]);
};

const setAt = (root: unknown, path: Array<string | number>, replacement: unknown | typeof DELETE): unknown => {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cursor = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement === DELETE) delete cursor[last];
  else cursor[last] = replacement;
  return copy;
};
const DELETE = Symbol('delete');

/** A body for a route: a valid one mutated (a field missing, extra, of the wrong type, hostile), or no JSON at all. */
const bodyFor = (valid: unknown): fc.Arbitrary<Body> => {
  const paths = leafPaths(valid).filter((path) => path.length > 0);
  const mutated = paths.length
    ? fc.oneof(
        fc.record({ path: fc.constantFrom(...paths), value: hostileValue }).map(({ path, value }) => setAt(valid, path, value)),
        fc.constantFrom(...paths).map((path) => setAt(valid, path, DELETE)),
        fc.record({ key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'id', 'recordedBy', 'actor', 'role')), value: hostileValue }).map(({ key, value }) =>
          valid && typeof valid === 'object' && !Array.isArray(valid) ? { ...(valid as object), [key]: value } : value,
        ),
      )
    : hostileValue;
  return fc.oneof(
    { weight: 8, arbitrary: mutated.map((value): Body => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: hostileValue.map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'json', value: valid }) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(deepJson(40), deepJson(5_000), deepJson(100_000)).map((text): Body => ({ kind: 'raw', text, contentType: 'application/json' })),
        fc.string({ maxLength: 60 }).map((text): Body => ({ kind: 'raw', text, contentType: 'application/json' })),
        fc.constantFrom('{"statement": ', '{"a":1,"a":2}', 'null', '[]', '"\\u0000"', '{"x":"\\ud800"}', '\u0000').map((text): Body => ({ kind: 'raw', text, contentType: 'application/json' })),
        fc.string({ maxLength: 60 }).map((text): Body => ({ kind: 'raw', text, contentType: 'text/plain' })),
      ),
    },
  );
};

const printable = (value: string) => /^[\x20-\x7e]*$/.test(value);
/** Mostly no extra headers (so bodies reach the handlers), sometimes plausible ones, sometimes hostile ones. */
const headersArbitrary: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.record({ 'Idempotency-Key': fc.uuid(), 'X-Correlation-Id': fc.constantFrom('corr-1', 'alert:7') }, { requiredKeys: [] }) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        'If-Match': fc.oneof(fc.constantFrom('"1"', '"999"', '*', 'W/"1"', 'garbage', '"-1"', '"1e3"'), hostileString.filter((value) => value.length < 300 && printable(value))),
        'Idempotency-Key': fc.string({ maxLength: 20 }).filter(printable),
        'X-Correlation-Id': fc.oneof(fc.string({ maxLength: 20 }).filter(printable), fc.constant('c'.repeat(20_000))),
        'X-Actor-Id': fc.constantFrom('admin', 'editor-in-chief'),
      },
      { requiredKeys: [] },
    ),
  },
);

describe('fuzzing every write route with hostile input', () => {
  let api: ApiTestApp;
  let routes: RouteDescription[];
  const ids: Record<string, string> = {};
  const valid: Record<string, unknown> = {};
  const keys = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    api = await startApiTestApp();
    const sourceId = await registerSource(api, { name: 'Sahel Daily', reliability: 'C' });
    const other = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    const { body: claim } = await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201);
    const { body: into } = await api.http().post('/claims').send(openClaimBody(other)).expect(201);
    const { body: added } = await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(other) }).expect(201);
    const evidence = { url: 'https://archive.example.org/a.mp4', sha256: 'ab'.repeat(32), mediaType: 'video/mp4' };
    const { body: attached } = await api.http().post(`/claims/${claim.id}/evidence`).send(evidence).expect(201);
    const spare = await createTestApiKey(api.db.pool, 'reader');
    Object.assign(ids, { sourceId, claimId: claim.id, reportId: added.reportId, evidenceId: attached.evidenceId, keyId: spare.id, taskId: 'geolocate' });
    Object.assign(valid, {
      'POST /sources': { name: 'Kidal Info', kind: 'news_outlet', affiliation: 'None', originGroup: 'Kidal', reliability: 'C' },
      'PATCH /sources/:sourceId': { name: 'Sahel Daily (weekly)', affiliation: null },
      'PUT /sources/:sourceId/reliability': { reliability: 'B', reason: 'A good year' },
      'POST /claims': openClaimBody(sourceId, { quantity: { counted: 'civilians killed', unit: 'people', figure: { low: 1, best: 3, high: 5 } } }),
      'POST /claims/:claimId/reports': { stance: 'disputes', reason: 'Not there', report: report(other, { quote: 'No attack', figure: { best: 2 }, relaysSourceId: sourceId, selfInterested: true }) },
      'POST /claims/:claimId/reports/:reportId/retraction': { reason: 'Withdrawn' },
      'POST /claims/:claimId/evidence': { ...evidence, reportId: added.reportId },
      'PUT /claims/:claimId/statement': { statement: 'ISGS executed two men', reason: 'Correction' },
      'PUT /claims/:claimId/verdict': { verdict: 'confirmed', rationale: 'Geolocated' },
      'POST /claims/:claimId/verdict/withdrawal': { reason: 'Older video' },
      'POST /claims/:claimId/merge': { intoClaimId: into.id, reason: 'Same event' },
      'POST /admin/api-keys': { name: 'Night desk', role: 'analyst', expiresAt: '2030-01-01T00:00:00Z' },
      'POST /admin/api-keys/:keyId/revocation': { reason: 'Left' },
      'PUT /admin/api-keys/:keyId/expiry': { expiresAt: '2031-01-01T00:00:00Z' },
      'PUT /claims/:claimId/assignment': { assignee: api.keys.analyst.id },
      'DELETE /claims/:claimId/assignment': {},
      'PUT /claims/:claimId/work-state': { state: 'in_progress', note: 'Taking it' },
      'POST /claims/:claimId/tasks': { name: 'Check the weather that day' },
      'PUT /claims/:claimId/tasks/:taskId': { done: true },
      'POST /claims/:claimId/comments': { body: 'Called the second source', reportId: added.reportId },
    });
    routes = api.app.get(RouteInventory).list().filter((route) => route.method !== 'GET');
    for (const route of routes) {
      if (route.access.kind !== 'permission') continue;
      const permission = route.access.permission;
      const role = (Object.entries(ROLE_PERMISSIONS) as Array<[ApiKeyRole, readonly string[]]>).find(([, granted]) => granted.includes(permission))?.[0];
      if (role) keys.set(`${route.method} ${route.path}`, api.keys[role].header);
    }
  });
  afterAll(() => api.close());

  it('finds the write routes to fuzz', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it(`answers ${RUNS} hostile requests with a success or a 4xx problem+json naming its code (and the field, for bad input), never a 5xx, and writes nothing when it refuses`, async () => {
    const requestArbitrary = fc
      .constantFrom(...routes)
      .chain((route) =>
        fc.record({
          route: fc.constant(route),
          body: bodyFor(valid[`${route.method} ${route.path}`] ?? {}),
          headers: headersArbitrary,
          // Mostly real ids, sometimes hostile ones in the path.
          pathValues: fc.option(fc.oneof(fc.uuid(), hostileString.filter((value) => value.length < 200)), { freq: 10 }),
        }),
      );
    const statuses = new Map<number, number>();

    const details = await fc.check(
      fc.asyncProperty(requestArbitrary, async ({ route, body, headers, pathValues }) => {
        const path = route.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => encodePathValue(pathValues ?? ids[name] ?? 'x'));
        const before = await api.eventCount();
        let request = api.anonymous()[route.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete'](path).set(keys.get(`${route.method} ${route.path}`) ?? {}).set(headers);
        request = body.kind === 'json' ? request.set('Content-Type', 'application/json').send(JSON.stringify(body.value) ?? '') : request.set('Content-Type', body.contentType).send(body.text);
        const response = await request;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const answer = `${route.method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`;

        if (!ANSWERS.has(response.status)) throw new Error(`not an answer of the contract (${[...ANSWERS].join(', ')}): ${answer}`);
        if (response.status < 300) {
          if (response.status !== 204) expect(response.headers['content-type']).toMatch(/^application\/json/);
          return;
        }
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = ProblemDetailsSchema.parse(response.body);
        expect({ status: problem.status, type: problem.type, code: CODE.test(problem.code) }).toEqual({ status: response.status, type: problemType(problem.code), code: true });
        // Bad input names what was bad: the field (and, for a validation failure, every offending field).
        if (NAMES_THE_FIELD.has(response.status) && !problem.field) throw new Error(`a ${response.status} that names no field: ${answer}`);
        if (problem.errors) {
          expect(problem.errors.length).toBeGreaterThan(0);
          expect(problem.errors.every((error) => error.field.length > 0 && error.message.length > 0)).toBe(true);
          expect(problem.field).toBe(problem.errors[0].field);
        }
        expect(JSON.stringify(problem)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|SELECT |INSERT INTO|syntax error at/);
        expect(await api.eventCount()).toBe(before);
      }),
      { numRuns: RUNS },
    );
    if (details.failed) {
      // The counterexample may hold 100 kB strings: report it shortened.
      const counterexample = JSON.stringify(details.counterexample, (_key, value: unknown) => (typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}…(${value.length} chars)` : value));
      throw new Error(`fuzzing failed after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}):\n${counterexample}\n${String(details.errorInstance)}`);
    }
    // The run reached past validation too: some hostile requests were well-formed enough to be accepted,
    // and some were refused by validation, others by the domain. With some forty write routes, most of a
    // run's bodies are mutated out of shape: about 2.5% are accepted, so the bar is well below that.
    const count = (test: (status: number) => boolean) => [...statuses].filter(([status]) => test(status)).reduce((sum, [, n]) => sum + n, 0);
    expect({ accepted: count((status) => status < 300) > RUNS / 200, invalid: count((status) => status === 400) > RUNS / 10, refusedByTheDomain: count((status) => status === 404 || status === 409 || status === 422) > 0, statuses: Object.fromEntries(statuses) }).toMatchObject({
      accepted: true,
      invalid: true,
      refusedByTheDomain: true,
    });
  });
});
