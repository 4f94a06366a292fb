import { randomUUID } from 'node:crypto';
import { compareLogPositions, PgEventStore, READ_ALL_SQL, type LogPosition, type RecordedEvent } from '@claims/event-store';
import { createTestDatabase, type TestDatabase, logEnd as logEndOf } from '@claims/testing';
import { labelledEvent, readOneByOne } from './event-store-fixtures';

describe('the global log is gap-safe', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const logEnd = () => logEndOf(db.pool);

  /**
   * Reads one by one until `count` events arrived. Transactions anywhere on the server (other test files
   * share it) can hold the watermark back for a moment, so "not yet" is retried, but never reordered.
   */
  const drainUntil = async (from: LogPosition, count: number): Promise<{ events: RecordedEvent[]; next: LogPosition }> => {
    const events: RecordedEvent[] = [];
    let cursor = from;
    for (const deadline = Date.now() + 15_000; events.length < count && Date.now() < deadline; ) {
      const drained = await readOneByOne(store, cursor);
      events.push(...drained.events);
      cursor = drained.next;
      if (drained.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { events, next: cursor };
  };

  const inTransaction = async (work: (client: import('pg').PoolClient) => Promise<void>) => {
    const client = await db.pool.connect();
    await client.query('BEGIN');
    return {
      client,
      run: () => work(client),
      commit: async () => {
        await client.query('COMMIT');
        client.release();
      },
    };
  };

  it('late commit: A takes its transaction id first, B appends and commits, then A appends and commits; A is still delivered, once', async () => {
    const start = await logEnd();
    const a = await inTransaction(async (client) => {
      await store.append(`claim-${randomUUID()}`, [labelledEvent('A')], { client });
    });
    await a.client.query('SELECT pg_current_xact_id()'); // A's transaction id is now older than B's

    await store.append(`claim-${randomUUID()}`, [labelledEvent('B')]);
    const whileAOpen = await readOneByOne(store, start);
    // B is committed, but delivering it now would move the cursor past A's transaction id for good.
    expect(whileAOpen.events).toEqual([]);

    await a.run();
    await a.commit();
    const afterA = await drainUntil(whileAOpen.next, 2);
    expect(afterA.events.map((recorded) => recorded.data.label)).toEqual(['A', 'B']);
    expect(await readOneByOne(store, afterA.next)).toEqual({ events: [], next: afterA.next });
  });

  it('late commit: A inserts first (lower global position) but commits after B; a reader never skips A', async () => {
    const start = await logEnd();
    const a = await inTransaction(async () => undefined);
    const appendedA = await store.append(`claim-${randomUUID()}`, [labelledEvent('A')], { client: a.client });
    const appendedB = await store.append(`claim-${randomUUID()}`, [labelledEvent('B')]);
    expect(appendedA.positions[0]).toBeLessThan(appendedB.positions[0]);

    const whileAOpen = await readOneByOne(store, start);
    expect(whileAOpen.events).toEqual([]);
    await a.commit();

    const delivered = await drainUntil(whileAOpen.next, 2);
    expect(delivered.events.map((recorded) => recorded.data.label)).toEqual(['A', 'B']);
  });

  it('a rolled-back transaction leaves no hole a reader waits on forever', async () => {
    const start = await logEnd();
    const a = await inTransaction(async () => undefined);
    await store.append(`claim-${randomUUID()}`, [labelledEvent('rolled back')], { client: a.client });
    await store.append(`claim-${randomUUID()}`, [labelledEvent('C')]);
    await a.client.query('ROLLBACK');
    a.client.release();

    const delivered = await drainUntil(start, 1);
    expect(delivered.events.map((recorded) => recorded.data.label)).toEqual(['C']);
    expect((await readOneByOne(store, delivered.next)).events).toEqual([]);
  });

  it('every reader sees one fixed order, whatever its batch size', async () => {
    const start = await logEnd();
    await Promise.all(
      Array.from({ length: 10 }, (_, writer) => store.append(`claim-${writer}-${randomUUID()}`, [labelledEvent(`${writer}.1`), labelledEvent(`${writer}.2`)])),
    );
    const one = await drainUntil(start, 20);
    const all = await store.readAll({ after: start, limit: 1000 });
    expect(one.events.map((recorded) => recorded.eventId)).toEqual(all.events.map((recorded) => recorded.eventId));
    expect(all.events).toHaveLength(20);
    for (let index = 1; index < all.events.length; index++) {
      expect(compareLogPositions(all.events[index - 1], all.events[index])).toBeLessThan(0);
    }
  });
});

describe('the global log read plan', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PgEventStore({ pool: db.pool });
    for (let index = 0; index < 50; index++) await store.append(`claim-${index}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: { index } }]);
    await db.pool.query('ANALYZE events');
  });
  afterAll(() => db.drop());

  it('walks the (transaction_id, global_position) key in order: no sort, so no text ordering of transaction ids either', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${READ_ALL_SQL}`, ['0', 0, 100]);
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      expect(plan).toContain('events_pkey');
      expect(plan).not.toContain('"Node Type":"Sort"');
    } finally {
      client.release();
    }
  });
});
