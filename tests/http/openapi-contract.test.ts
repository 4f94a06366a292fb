import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

type Responses = Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
type Operation = { operationId: string; security?: unknown[]; responses: Responses; requestBody?: { required: boolean } };

/** The problem statuses every operation of a class declares, whatever its handler adds. */
const EDGE_STATUSES_BY_CLASS = {
  // No key: nothing to refuse or limit.
  // Every operation: 503 while the database cannot be reached.
  'public read': [400, 500, 503],
  'public write': [400, 409, 413, 415, 422, 500, 503],
  // A key: 401 without a valid one, 403 without the permission, 429 over the key's rate or after failed authentications.
  'keyed read': [400, 401, 403, 429, 500, 503],
  // And a body (413, 415) and Idempotency-Key (409 in progress, 422 reused).
  'keyed write': [400, 401, 403, 409, 413, 415, 422, 429, 500, 503],
} as const;
/** Statuses only the edge answers: an operation declares them exactly when its class does. */
const EDGE_ONLY = [401, 403, 413, 415, 429];

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };

describe('the OpenAPI document declares the problems of the HTTP edge on every operation', () => {
  let api: ApiTestApp;
  let operations: Array<{ name: string; kind: keyof typeof EDGE_STATUSES_BY_CLASS; operation: Operation }>;

  beforeAll(async () => {
    api = await startApiTestApp();
    const document = (await api.anonymous().get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        kind: `${Array.isArray(operation.security) && operation.security.length === 0 ? 'public' : 'keyed'} ${method === 'get' ? 'read' : 'write'}` as keyof typeof EDGE_STATUSES_BY_CLASS,
        operation,
      })),
    );
  });
  afterAll(() => api.close());

  it('covers reads and writes that need a key', () => {
    const counts = operations.reduce<Record<string, number>>((acc, { kind }) => ({ ...acc, [kind]: (acc[kind] ?? 0) + 1 }), {});
    expect(counts['keyed read']).toBeGreaterThanOrEqual(10);
    expect(counts['keyed write']).toBeGreaterThanOrEqual(10);
  });

  it('declares each class its edge statuses, as problem+json, and the edge-only ones nowhere else', () => {
    for (const { name, kind, operation } of operations) {
      const declared = Object.keys(operation.responses).map(Number);
      const expected = EDGE_STATUSES_BY_CLASS[kind];
      expect({ name, missing: expected.filter((status) => !declared.includes(status)) }).toEqual({ name, missing: [] });
      expect({ name, edgeOnly: declared.filter((status) => EDGE_ONLY.includes(status)) }).toEqual({ name, edgeOnly: expected.filter((status) => EDGE_ONLY.includes(status)) });
      for (const status of expected) expect({ name, status, content: operation.responses[String(status)].content }).toEqual({ name, status, content: PROBLEM_CONTENT });
    }
  });

  it('says what each edge status means: the codes, and the headers to act on', () => {
    for (const { name, kind, operation } of operations) {
      const { responses } = operation;
      if (kind.startsWith('keyed')) {
        expect({ name, description: responses['401'].description }).toEqual({ name, description: expect.stringContaining('INVALID_API_KEY') });
        expect({ name, headers: responses['401'].headers }).toEqual({ name, headers: { 'WWW-Authenticate': expect.objectContaining({ schema: { type: 'string' } }) } });
        expect({ name, description: responses['403'].description }).toEqual({ name, description: expect.stringContaining('PERMISSION_DENIED') });
        expect({ name, description: responses['429'].description }).toEqual({ name, description: expect.stringMatching(/RATE_LIMITED.*TOO_MANY_FAILED_AUTHENTICATIONS/) });
        expect({ name, headers: responses['429'].headers }).toEqual({ name, headers: { 'Retry-After': expect.objectContaining({ schema: { type: 'integer', minimum: 1 } }) } });
      }
      if (kind.endsWith('write')) {
        expect({ name, description: responses['409'].description }).toEqual({ name, description: expect.stringContaining('IDEMPOTENCY_KEY_IN_PROGRESS') });
        expect({ name, description: responses['413'].description }).toEqual({ name, description: expect.stringContaining('PAYLOAD_TOO_LARGE') });
        expect({ name, description: responses['415'].description }).toEqual({ name, description: expect.stringMatching(/UNSUPPORTED_MEDIA_TYPE.*UNSUPPORTED_CHARSET/) });
        expect({ name, description: responses['422'].description }).toEqual({ name, description: expect.stringContaining('IDEMPOTENCY_KEY_REUSED') });
      }
    }
  });

  it('adds the edge statuses to what the handlers declare, for a write, a read and the stream', () => {
    const statuses = (name: string) => Object.keys(operations.find((entry) => entry.name === name)!.operation.responses);
    expect(statuses('POST /claims/{claimId}/reports')).toEqual(['201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429', '500', '503']);
    expect(statuses('GET /claims/{claimId}')).toEqual(['200', '400', '401', '403', '404', '429', '500', '503']);
    expect(statuses('GET /feeds/status-changes')).toEqual(['200', '400', '401', '403', '429', '500', '503']);
  });

  it('marks a request body required exactly when the route refuses a request without one', () => {
    const bodyOf = (name: string) => operations.find((entry) => entry.name === name)!.operation.requestBody;
    expect(bodyOf('POST /claims')).toEqual(expect.objectContaining({ required: true }));
    expect(bodyOf('POST /admin/api-keys/{keyId}/revocation')).toEqual(expect.objectContaining({ required: false }));
    expect(bodyOf('POST /audit/checkpoints')).toEqual(expect.objectContaining({ required: false }));
    expect(bodyOf('GET /claims/{claimId}')).toBeUndefined();
  });

  it('names the edge-only codes of malformed requests', () => {
    const responses = operations.find((entry) => entry.name === 'POST /claims')!.operation.responses;
    expect(responses['400'].description).toContain('MALFORMED_PATH');
    expect(responses['415'].description).toContain('UNSUPPORTED_CONTENT_ENCODING');
    expect(responses['503']).toEqual(expect.objectContaining({ description: expect.stringContaining('DATABASE_UNAVAILABLE'), headers: { 'Retry-After': expect.objectContaining({ schema: { type: 'integer', minimum: 1 } }) } }));
  });
});
