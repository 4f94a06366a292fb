import { randomUUID } from 'node:crypto';
import {
  countLogEvents,
  listSubscriptionCheckpoints,
  loadSubscriptionCheckpoint,
  LOG_START,
  PgEventStore,
  readLogByPrefix,
  readStreamsByPrefix,
  saveSubscriptionCheckpoint,
  SubscriptionCheckpointMissing,
} from '@claims/event-store';
import { createTestDatabase, waitUntilLogReadable, type TestDatabase } from '@claims/testing';

describe("the store's reads by stream prefix and its checkpoint rows", () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const event = (n: number) => ({ eventId: randomUUID(), type: 'Noted', data: { n } });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    // `a_b-` holds a LIKE wildcard: a prefix is taken literally, so `axb-1` is not one of its streams.
    await store.append('a_b-1', [event(1), event(2)]);
    await store.append('axb-1', [event(3)]);
    await store.append('c-1', [event(4)]);
    await store.append('a_b-2', [event(5)]);
    await waitUntilLogReadable(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('reads the streams of a prefix in log order, or stream by stream, and counts them', async () => {
    const head = await store.headPosition();
    const inLogOrder = await readLogByPrefix(db.pool, { prefixes: ['a_b-', 'c-'], after: LOG_START, upTo: head });
    expect(inLogOrder.map((e) => [e.streamId, e.streamVersion, e.data.n])).toEqual([
      ['a_b-1', 1, 1],
      ['a_b-1', 2, 2],
      ['c-1', 1, 4],
      ['a_b-2', 1, 5],
    ]);
    const afterSecond = await readLogByPrefix(db.pool, { prefixes: ['a_b-'], after: inLogOrder[1].position, upTo: head, limit: 5 });
    expect(afterSecond.map((e) => e.data.n)).toEqual([5]);
    const byStream = await readStreamsByPrefix(db.pool, { prefix: 'a_b-', after: ['a_b-1', 1], upTo: head, limit: 10 });
    expect(byStream.map((e) => [e.streamId, e.streamVersion])).toEqual([
      ['a_b-1', 2],
      ['a_b-2', 1],
    ]);
    expect(await countLogEvents(db.pool, { prefixes: ['a_b-'] })).toBe(3);
    expect(await countLogEvents(db.pool, { prefixes: ['a_b-', 'axb-'], after: inLogOrder[0].position })).toBe(3);
  });

  it('keeps a checkpoint, reports its lag, and refuses to save one whose row was deleted', async () => {
    const name = `reader-${randomUUID()}`;
    expect(await loadSubscriptionCheckpoint(db.pool, name, LOG_START)).toEqual(LOG_START);
    const [first] = await readLogByPrefix(db.pool, { prefixes: ['a_b-'], after: LOG_START, upTo: await store.headPosition(), limit: 1 });
    await saveSubscriptionCheckpoint(db.pool, name, first.position);
    expect(await loadSubscriptionCheckpoint(db.pool, name, LOG_START)).toEqual(first.position);
    expect((await listSubscriptionCheckpoints(db.pool)).find((checkpoint) => checkpoint.name === name)).toMatchObject({ position: first.position, lag: 4, lastError: null, failedAttempts: 0 });

    await db.pool.query('DELETE FROM subscription_checkpoints WHERE name = $1', [name]);
    await expect(saveSubscriptionCheckpoint(db.pool, name, first.position)).rejects.toBeInstanceOf(SubscriptionCheckpointMissing);
  });
});
