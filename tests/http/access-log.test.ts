import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import pino from 'pino';
import request from 'supertest';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { createApiApp } from '../../apps/api/src/http/configure-http';
import { createTestApiKey } from '../support/api-keys';

describe('the access log', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PgEventStore({ pool: db.pool });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const root = AppModule.create({ url: db.url, pool: db.pool, description: 'test', close: async () => undefined }, store);
    app = await createApiApp(root, { logger: false, accessLogger: pino({ level: 'info' }, sink) });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('writes one JSON line per answered request, with the key but no query string or body', async () => {
    const reader = await createTestApiKey(db.pool, 'reader', { name: 'Ama (reader)' });
    const response = await request(app.getHttpServer()).get('/claims?q=secret-search-term').set(reader.header).expect(200);
    await request(app.getHttpServer()).get('/claims').expect(401);

    const [ok, unauthorised] = lines.filter((line) => line.path === '/claims');
    expect(ok).toMatchObject({ method: 'GET', path: '/claims', status: 200, requestId: response.headers['x-request-id'], actor: reader.id, msg: 'request' });
    expect(typeof ok.ms).toBe('number');
    expect(unauthorised).toMatchObject({ status: 401, actor: 'anonymous' });
    expect(JSON.stringify(lines)).not.toContain('secret-search-term');
  });
});
