import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase, waitUntil } from '@claims/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { FeedStreams } from '../../apps/api/src/feeds/feed-streams';
import { Clock } from '../../apps/api/src/http/clock';
import { createApiApp } from '../../apps/api/src/http/configure-http';
import { createTestApiKey, revokeTestApiKey, type TestApiKey } from '../support/api-keys';
import { assessed, ScriptedProjection } from './feed-test-kit';
import { SseConnection } from './sse-client';

const KEY_CACHE_MS = 400;
const POLL_MS = 200;
const PER_KEY = 2;
const PER_PROCESS = 6;
const LISTENER_APPLICATION_NAME = 'claim-ledger-feed-listener';

describe('open status streams: capped, sharing one wake-up, ended with their key', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  let projection: ScriptedProjection;
  let admin: TestApiKey;
  const open: SseConnection[] = [];

  const stream = async (key: TestApiKey, query = 'from=now'): Promise<SseConnection> => {
    const connection = await SseConnection.open(`${base}/feeds/status-changes?${query}`, key.header);
    open.push(connection);
    return connection;
  };
  const feedKey = () => createTestApiKey(db.pool, 'feed', { name: `feed ${randomUUID().slice(0, 6)}` });
  const change = async (): Promise<string> => {
    const [id] = await projection.step([[`claim-streams-${randomUUID().slice(0, 8)}`, assessed('unverified', 6, 0.5, 'roughly_even_chance')]]);
    return id;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    const root = AppModule.create(
      { url: db.url, pool: db.pool, description: 'test', close: async () => undefined },
      store,
      { heartbeatMs: 300, pollIntervalMs: POLL_MS, maxStreamsPerKey: PER_KEY, maxStreams: PER_PROCESS },
      { keyCacheTtlMs: KEY_CACHE_MS },
    );
    app = await createApiApp(root, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    projection = new ScriptedProjection(db.pool);
    admin = await createTestApiKey(db.pool, 'admin');
  });
  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
  });

  // The next test starts once the server has let go of every stream this one closed.
  afterEach(() => waitUntil(() => app.get(FeedStreams).openCount === 0, { what: 'the server to release the closed streams' }));

  it(`refuses the stream past ${PER_KEY} per key and past ${PER_PROCESS} per process with 429 TOO_MANY_STREAMS and Retry-After; closing one frees its slot`, async () => {
    const key = await feedKey();
    const first = await stream(key);
    const second = await stream(key);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await stream(key);
    await third.waitForEnd(5000);
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(third.body)).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS' });

    first.close();
    const again = await waitUntil(async () => {
      const attempt = await stream(key);
      if (attempt.status === 200) return attempt;
      attempt.close();
      return undefined;
    }, { what: 'a free slot after closing a stream' });
    expect(again.status).toBe(200);

    // The process-wide cap counts every key's streams.
    const others = [await feedKey(), await feedKey()];
    for (const other of others) for (let index = 0; index < PER_KEY; index++) expect((await stream(other)).status).toBe(200);
    const overProcess = await stream(await feedKey());
    await overProcess.waitForEnd(5000);
    expect(overProcess.status).toBe(429);
    expect(JSON.parse(overProcess.body)).toMatchObject({ code: 'TOO_MANY_STREAMS' });
  });

  it(`keeps ${PER_PROCESS} open streams on one LISTEN connection and one shared poll of the outbox, and wakes every one of them on a new change`, async () => {
    const keys = [await feedKey(), await feedKey(), await feedKey()];
    const streams: SseConnection[] = [];
    for (const key of keys) for (let index = 0; index < PER_KEY; index++) streams.push(await stream(key));
    expect(streams.map((connection) => connection.status)).toEqual(Array(PER_PROCESS).fill(200));
    // Every stream has read its start and gone idle once it sent a heartbeat.
    await Promise.all(streams.map((connection) => connection.waitFor((c) => c.comments.some((line) => line.startsWith('heartbeat')), 10_000, 'a heartbeat')));

    const listeners = await db.pool.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND query ILIKE 'LISTEN%'",
      [LISTENER_APPLICATION_NAME],
    );
    expect(listeners.rows[0].count).toBe(1);

    // While they idle, the outbox is read by the shared poll only: about one query per interval, not one per stream.
    const query = jest.spyOn(db.pool, 'query');
    const outboxQueries = () => query.mock.calls.filter(([text]) => JSON.stringify(text).includes('feed_outbox')).length;
    const started = Date.now();
    const heartbeatsBefore = streams.map((connection) => connection.comments.length);
    await Promise.all(streams.map((connection, index) => connection.waitFor((c) => c.comments.length >= heartbeatsBefore[index] + 3, 10_000, 'three more heartbeats')));
    const intervals = Math.ceil((Date.now() - started) / POLL_MS) + 1;
    const idleQueries = outboxQueries();
    query.mockRestore();
    expect(idleQueries).toBeLessThanOrEqual(intervals + 1);
    expect(idleQueries).toBeLessThan(PER_PROCESS * (intervals - 1));

    const id = await change();
    await Promise.all(streams.map((connection) => connection.waitFor((c) => c.events.some((event) => JSON.parse(event.data).id === id), 10_000, 'the new change')));
  });

  it('ends an open stream when its key is revoked through the admin API, at once', async () => {
    const key = await feedKey();
    const connection = await stream(key);
    expect(connection.status).toBe(200);
    await connection.waitFor((c) => c.comments.some((line) => line.startsWith('position')), 5000, 'the start of the stream');
    await request(app.getHttpServer()).post(`/admin/api-keys/${key.id}/revocation`).set(admin.header).send({ reason: 'page retired' }).expect(200);
    await connection.waitForEnd(KEY_CACHE_MS, 'the stream to end after the revocation');
    expect(connection.comments).toContain('closed: the API key was revoked');
    const reopened = await stream(key);
    await reopened.waitForEnd(5000);
    expect(reopened.status).toBe(401);
  });

  it('ends an open stream within the key cache window when its key is revoked elsewhere (command line, another process)', async () => {
    const key = await feedKey();
    const connection = await stream(key);
    await connection.waitFor((c) => c.comments.some((line) => line.startsWith('position')), 5000, 'the start of the stream');
    await revokeTestApiKey(db.pool, key.id);
    // The cached row may be up to one window old; the check runs four times per window.
    await connection.waitForEnd(KEY_CACHE_MS * 1.25 + 500, 'the stream to end within the key cache window');
    expect(connection.comments).toContain('closed: the API key was revoked');
  });

  it('ends an open stream when its key expires', async () => {
    const clock = app.get(Clock);
    const now = clock.now();
    const key = await createTestApiKey(db.pool, 'feed', { expiresAt: new Date(now.getTime() + 60 * 60_000).toISOString(), now });
    const connection = await stream(key);
    expect(connection.status).toBe(200);
    await connection.waitFor((c) => c.comments.some((line) => line.startsWith('position')), 5000, 'the start of the stream');
    const later = jest.spyOn(clock, 'now').mockReturnValue(new Date(now.getTime() + 61 * 60_000));
    try {
      await connection.waitForEnd(KEY_CACHE_MS, 'the stream to end at expiry');
      expect(connection.comments).toContain('closed: the API key has expired');
    } finally {
      later.mockRestore();
    }
  });
});
