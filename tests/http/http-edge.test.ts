import { randomUUID } from 'node:crypto';
import { Body, Controller, type INestApplication, Module, Post } from '@nestjs/common';
import request from 'supertest';
import { z } from 'zod';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { RequirePermission } from '../../apps/api/src/auth/access.decorators';
import { createApiApp } from '../../apps/api/src/http/configure-http';
import { ApiOperation } from '../../apps/api/src/http/openapi';
import { eventMetadataOf, RequestContext, type RequestContextValue } from '../../apps/api/src/http/request-context';
import { ZodValidationPipe } from '../../apps/api/src/http/zod-validation.pipe';
import { createTestApiKey, type TestApiKey } from '../support/api-keys';

const NoteBody = z.object({ text: z.string().min(1).max(50), tags: z.array(z.string().max(10)).max(3).default([]) }).strict();

/** A minimal write route that appends one event, to exercise the HTTP edge on its own. */
@Controller('notes')
class NotesController {
  constructor(private readonly store: PgEventStore) {}

  @Post()
  @RequirePermission('claims:report')
  @ApiOperation({ summary: 'Write a note', body: NoteBody, responses: { 201: z.object({ id: z.string(), version: z.number() }) } })
  async write(@Body(new ZodValidationPipe(NoteBody)) body: z.infer<typeof NoteBody>, @RequestContext() context: RequestContextValue) {
    const id = randomUUID();
    const { nextExpectedVersion } = await this.store.append(`note-${id}`, [{ eventId: randomUUID(), type: 'NoteWritten', data: body, metadata: eventMetadataOf(context) }], {
      expectedVersion: context.ifMatch ?? 'no_stream',
    });
    return { id, version: nextExpectedVersion };
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

describe('the HTTP edge', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: PgEventStore;
  let analyst: TestApiKey;
  /** Requests with an analyst's key (the notes route needs `claims:report`). */
  const http = () => request.agent(app.getHttpServer()).set(analyst.header);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    const root = AppModule.create({ url: db.url, pool: db.pool, description: 'test', close: async () => undefined }, store);
    app = await createApiApp({ ...root, imports: [...(root.imports ?? []), NotesModule] }, { logger: false });
    await app.init();
    analyst = await createTestApiKey(db.pool, 'analyst', { name: 'Jules (analyst)' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const eventCount = async () => Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  it('answers invalid bodies with a 400 problem naming every field, and writes nothing', async () => {
    const before = await eventCount();
    const response = await http().post('/notes').send({ text: '', tags: ['x', 'far too long a tag'], extra: 1 });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', instance: '/notes', field: expect.any(String) });
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['extra', 'tags[1]', 'text']);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    expect(await eventCount()).toBe(before);
  });

  it('answers malformed JSON and oversized bodies as problems', async () => {
    const malformed = await http().post('/notes').set('Content-Type', 'application/json').send('{"text": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON', field: '(body)' });

    const huge = await http().post('/notes').send({ text: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers unknown routes with a 404 problem, without internals', async () => {
    const response = await http().get('/no-such-route');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts|node_modules/);
  });

  it('records the API key as the actor (never an actor header), with correlation, causation and request ids', async () => {
    const response = await http()
      .post('/notes')
      .set('X-Actor-Id', 'analyst-7')
      .set('X-Actor-Name', 'Someone Else')
      .set('X-Correlation-Id', 'corr-42')
      .send({ text: 'hello' });
    expect(response.status).toBe(201);
    const [event] = await store.readStream(`note-${response.body.id}`);
    expect(event.metadata).toEqual({
      actor: { id: analyst.id, name: 'Jules (analyst)', role: 'analyst' },
      correlationId: 'corr-42',
      causationId: response.headers['x-request-id'],
      requestId: response.headers['x-request-id'],
    });
  });

  it('maps a stale If-Match to 412 and rejects a malformed one with 400', async () => {
    const stale = await http().post('/notes').set('If-Match', '"7"').send({ text: 'hello' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'STALE_VERSION', field: 'header.if-match', currentVersion: 0 });

    const malformed = await http().post('/notes').set('If-Match', 'seven').send({ text: 'hello' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'INVALID_HEADER', field: 'header.if-match' });
  });

  describe('Idempotency-Key', () => {
    it('a retry returns the first response and writes nothing new', async () => {
      const key = randomUUID();
      const first = await http().post('/notes').set('Idempotency-Key', key).send({ text: 'once' });
      const before = await eventCount();
      const retry = await http().post('/notes').set('Idempotency-Key', key).send({ text: 'once' });
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await eventCount()).toBe(before);
    });

    it('concurrent retries write once', async () => {
      const key = randomUUID();
      const before = await eventCount();
      const responses = await Promise.all(Array.from({ length: 5 }, () => http().post('/notes').set('Idempotency-Key', key).send({ text: 'race' })));
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
      expect(await eventCount()).toBe(before + 1);
    });

    it('the same key for a different request is a 422', async () => {
      const key = randomUUID();
      await http().post('/notes').set('Idempotency-Key', key).send({ text: 'one' });
      const reused = await http().post('/notes').set('Idempotency-Key', key).send({ text: 'two' });
      expect(reused.status).toBe(422);
      expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'header.idempotency-key' });
    });

    it('a failed request stores nothing, so a corrected retry goes through', async () => {
      const key = randomUUID();
      const failed = await http().post('/notes').set('Idempotency-Key', key).send({ text: '' });
      expect(failed.status).toBe(400);
      const { rowCount } = await db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
      expect(rowCount).toBe(0);
    });
  });

  it('serves the OpenAPI document built from the zod schemas, and the docs page', async () => {
    const document = await http().get('/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    const operation = document.body.paths['/notes'].post;
    expect(operation.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string', minLength: 1, maxLength: 50 } },
      additionalProperties: false,
    });
    expect(operation.responses['400'].content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } });
    expect(document.body.components.schemas.ProblemDetails.properties).toMatchObject({ code: { type: 'string' }, status: { type: 'integer' }, field: { type: 'string' } });

    const docs = await http().get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/openapi.json');
    const asset = await http().get('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });
});
