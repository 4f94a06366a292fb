import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { ClaimStatusChangedV1, StatusFeedPageV1 } from '@claims/contracts';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { ApiKeyRegistry } from '../../apps/api/src/auth/api-key.registry';
import { createApiApp } from '../../apps/api/src/http/configure-http';
import { assessed, ScriptedProjection } from './feed-test-kit';
import { SseConnection } from './sse-client';

const BANDS = ['almost_no_chance', 'very_unlikely', 'unlikely', 'roughly_even_chance', 'likely', 'very_likely', 'almost_certain'] as const;

describe('the HTTP status feed (no broker: relay off)', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  let projection: ScriptedProjection;
  let auth: { Authorization: string };
  const api = () => request(app.getHttpServer());
  const get = (path: string) => api().get(path).set(auth);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    const root = AppModule.create({ url: db.url, pool: db.pool, description: 'test', close: async () => undefined }, store, { heartbeatMs: 300, pollIntervalMs: 200 });
    app = await createApiApp(root, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    projection = new ScriptedProjection(db.pool);
    const { secret } = await new ApiKeyRegistry(db.pool, store).issue({ name: 'feed reader', role: 'feed' }, { now: new Date(), metadata: { actor: { id: 'test' } } });
    auth = { Authorization: `Bearer ${secret}` };
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
  });

  /** Writes `count` changes for one claim (each moves the band, so each is a change). */
  const writeChanges = async (claimId: string, count: number, offset = 0): Promise<string[]> => {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      ids.push(...(await projection.step([[claimId, assessed('unverified', 6, 0.5, BANDS[(offset + index) % BANDS.length])]])));
    }
    return ids;
  };

  const allIds = async (): Promise<string[]> => (await db.pool.query('SELECT message_id FROM feed_outbox ORDER BY transaction_id, id')).rows.map((row) => row.message_id);

  it('streams every change exactly once to a client that disconnects and resumes with Last-Event-ID, while writers commit out of order', async () => {
    const claimId = `claim-sse-${randomUUID().slice(0, 8)}`;
    await writeChanges(claimId, 5);

    const received: Array<{ id: string; messageId: string }> = [];
    const take = (connection: SseConnection, from: number) =>
      connection.events.slice(from).map((event) => ({ id: event.id!, messageId: ClaimStatusChangedV1.parse(JSON.parse(event.data)).id }));

    const first = await SseConnection.open(`${base}/feeds/status-changes`, auth);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    await first.waitFor((connection) => connection.events.length >= 3);
    expect(first.events[0].event).toBe('claim.status-changed.v1');

    // A transaction that started earlier commits after later ones: the stream must neither skip it nor reorder.
    const slow = await db.pool.connect();
    await slow.query('BEGIN');
    await slow.query('SELECT pg_current_xact_id()');
    const writers = writeChanges(claimId, 6, 5);
    // The client goes away while those writers commit behind the open transaction.
    await first.waitFor((connection) => connection.events.length >= 5, 30_000, 'the first five changes');
    first.close();
    received.push(...take(first, 0));
    const lastId = received.at(-1)!.id;
    await writers;
    await slow.query(
      `INSERT INTO feed_outbox (message_id, topic, message_key, message_type, subject, payload, occurred_at)
       SELECT $1::uuid, topic, message_key, message_type, subject, jsonb_set(payload, '{id}', to_jsonb($1::text)), occurred_at FROM feed_outbox LIMIT 1`,
      [randomUUID()],
    );
    await slow.query('COMMIT');
    slow.release();
    await writeChanges(claimId, 2, 11);

    const expected = await allIds();
    const resumed = await SseConnection.open(`${base}/feeds/status-changes`, { ...auth, 'Last-Event-ID': lastId });
    try {
      await resumed.waitFor(() => received.length + resumed.events.length >= expected.length, 30_000, `${expected.length} events in all`);
      // The stream is in feed order: a duplicate of anything before it would arrive before this last change.
      const [last] = await writeChanges(claimId, 1, 13);
      await resumed.waitFor((connection) => connection.events.some((event) => JSON.parse(event.data).id === last), 30_000, 'the last change');
      received.push(...take(resumed, 0));
      expect(received.map((event) => event.messageId)).toEqual([...expected, last]);
      const ids = received.map((event) => event.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      resumed.close();
    }
  });

  it('sends heartbeats on an idle stream and wakes on new changes', async () => {
    const connection = await SseConnection.open(`${base}/feeds/status-changes?from=now`, auth);
    try {
      await connection.waitFor((c) => c.comments.some((comment) => comment.startsWith('heartbeat')), 5000, 'a heartbeat');
      expect(connection.events).toHaveLength(0);
      const [id] = await writeChanges(`claim-live-${randomUUID().slice(0, 8)}`, 1);
      await connection.waitFor((c) => c.events.length === 1, 5000, 'the live change');
      expect(JSON.parse(connection.events[0].data).id).toBe(id);
    } finally {
      connection.close();
    }
  });

  it("takes the key as ?access_token on the stream only, for a browser's EventSource (which cannot send headers)", async () => {
    const key = auth.Authorization.slice('Bearer '.length);
    const connection = await SseConnection.open(`${base}/feeds/status-changes?from=now&access_token=${encodeURIComponent(key)}`);
    try {
      expect(connection.status).toBe(200);
      const [id] = await writeChanges(`claim-browser-${randomUUID().slice(0, 8)}`, 1);
      await connection.waitFor((c) => c.events.length === 1, 5000, 'the change');
      expect(JSON.parse(connection.events[0].data).id).toBe(id);
    } finally {
      connection.close();
    }

    const wrong = await api().get('/feeds/status-changes?access_token=clk_not-a-key');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_API_KEY', field: 'query.access_token' });

    // Anywhere else a key in the URL is refused, named, and not used: it would leak into logs and history.
    const page = await api().get(`/feeds/status-changes/page?access_token=${encodeURIComponent(key)}`);
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toContain('application/problem+json');
    expect(page.body).toMatchObject({ code: 'KEY_IN_QUERY_NOT_ACCEPTED', field: 'query.access_token' });
    expect((await api().get(`/claims?access_token=${encodeURIComponent(key)}`)).body).toMatchObject({ code: 'KEY_IN_QUERY_NOT_ACCEPTED' });
  });

  it('filters by status and claim', async () => {
    const claimId = `claim-filter-${randomUUID().slice(0, 8)}`;
    await projection.step([[claimId, assessed('unverified', 6, 0.5, 'roughly_even_chance')]]);
    const [contested] = await projection.step([[claimId, assessed('contested', 4, 0.45, 'roughly_even_chance')]]);
    await projection.step([[`${claimId}-other`, assessed('contested', 4, 0.45, 'roughly_even_chance')]]);
    const connection = await SseConnection.open(`${base}/feeds/status-changes?status=contested,disputed&claim=${claimId}`, auth);
    try {
      await connection.waitFor((c) => c.events.length >= 1);
      // A later change that matches: anything the filters let through wrongly would have come before it.
      await projection.step([[`${claimId}-other`, assessed('disputed', 4, 0.3, 'unlikely')]]);
      const [disputed] = await projection.step([[claimId, assessed('disputed', 4, 0.3, 'unlikely')]]);
      await connection.waitFor((c) => c.events.some((event) => JSON.parse(event.data).id === disputed), 30_000, 'the disputed change');
      expect(connection.events.map((event) => JSON.parse(event.data).id)).toEqual([contested, disputed]);
    } finally {
      connection.close();
    }
    const page = await get(`/feeds/status-changes/page?status=contested&claim=${claimId}`);
    expect(page.body.items.map((item: { message: { id: string } }) => item.message.id)).toEqual([contested]);
  });

  it('serves the same feed as pages of JSON for pollers', async () => {
    const items: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const response = await get('/feeds/status-changes/page')
        .query({ limit: 4, ...(after ? { after } : {}) });
      expect(response.status).toBe(200);
      const page = StatusFeedPageV1.parse(response.body);
      items.push(...page.items.map((item) => item.message.id));
      if (page.next === after && !page.hasMore) break;
      after = page.next;
      if (!page.hasMore) {
        const again = StatusFeedPageV1.parse((await get('/feeds/status-changes/page').query({ after })).body);
        expect(again).toEqual({ items: [], next: after, hasMore: false });
        break;
      }
    }
    expect(items).toEqual(await allIds());
  });

  it('answers a bad cursor with a 400 problem', async () => {
    const response = await get('/feeds/status-changes').set('Last-Event-ID', 'yesterday');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'INVALID_CURSOR', field: 'header.last-event-id' });
    const page = await get('/feeds/status-changes/page?after=nope&limit=0');
    expect(page.status).toBe(400);
  });

  it('answers a position past the largest transaction id (2^64-1) or the largest safe global position with 400 INVALID_CURSOR, on the page and the stream, as after and as Last-Event-ID', async () => {
    const tooLarge = ['18446744073709551616-1', '99999999999999999999-1', '1-9007199254740992'];
    for (const cursor of tooLarge) {
      const page = await get(`/feeds/status-changes/page?after=${cursor}`);
      expect({ cursor, status: page.status, code: page.body.code, field: page.body.field }).toEqual({ cursor, status: 400, code: 'INVALID_CURSOR', field: 'query.after' });
      expect(page.headers['content-type']).toMatch(/^application\/problem\+json/);
      for (const [name, url, headers] of [
        ['query.after', `${base}/feeds/status-changes?after=${cursor}`, auth],
        ['header.last-event-id', `${base}/feeds/status-changes`, { ...auth, 'Last-Event-ID': cursor }],
      ] as const) {
        const stream = await SseConnection.open(url, headers);
        try {
          await stream.waitForEnd(5000);
          expect({ cursor, name, status: stream.status, problem: JSON.parse(stream.body) }).toMatchObject({ cursor, name, status: 400, problem: { code: 'INVALID_CURSOR', field: name } });
        } finally {
          stream.close();
        }
      }
    }
    // The bounds themselves are positions: 2^64-1 and 2^53-1.
    expect((await get('/feeds/status-changes/page?after=18446744073709551615-1')).status).toBe(200);
    expect((await get('/feeds/status-changes/page?after=1-9007199254740991')).status).toBe(200);
  });

  it('needs a key with the feed:read permission', async () => {
    expect((await api().get('/feeds/status-changes/page')).status).toBe(401);
    const { secret } = await new ApiKeyRegistry(db.pool, store).issue({ name: 'no feed', role: 'admin' }, { now: new Date(), metadata: { actor: { id: 'test' } } });
    expect((await api().get('/feeds/status-changes/page').set('Authorization', `Bearer ${secret}`)).status).toBe(403);
  });

  it('reports the outbox in /health, with the relay off when no broker is configured', async () => {
    const response = await request(app.getHttpServer()).get('/health');
    expect(response.status).toBe(200);
    expect(response.body.feed).toMatchObject({ relay: { state: 'off' }, outbox: { pending: expect.any(Number) } });
    expect(response.body.feed.outbox.pending).toBe((await allIds()).length);
  });

  it('reports in /health how long the oldest running transaction (which log readers wait for) has been open', async () => {
    const open = new Client({ connectionString: db.url });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const response = await request(app.getHttpServer()).get('/health');
      expect(response.status).toBe(200);
      // Some transaction is running (ours, or an older one elsewhere on the server): its age and state, no session details.
      expect(response.body.log.oldestRunningTransaction).toEqual({ ageSeconds: expect.any(Number), state: expect.any(String) });
      expect(response.body.log.oldestRunningTransaction.ageSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await open.query('ROLLBACK');
      await open.end();
    }
  });

  it('documents both feed routes in the OpenAPI document', async () => {
    const response = await request(app.getHttpServer()).get('/openapi.json');
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/feeds/status-changes', '/feeds/status-changes/page']));
  });
});
