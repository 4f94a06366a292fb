import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import {
  compareLogPositions,
  exportLog,
  importLog,
  LOG_START,
  PgEventStore,
  verifyLog,
  type AppendOptions,
  type RecordedEvent,
} from '@claims/event-store';
import { createTestDatabase, waitUntilLogReadable, type TestDatabase } from '@claims/testing';
import { labelledEvent, readOneByOne } from './event-store-fixtures';

// A transaction that took its transaction id before another one, and appends to a stream after that other
// one committed to it (the documented `client` option), must still land after it in the global log.
describe("a stream's events keep their version order in the global log", () => {
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

  it.each<[string, number, (head: RecordedEvent) => AppendOptions]>([
    ['one event after the head it read (the fast path)', 1, (head) => ({ expectedVersion: 2, head: { version: head.streamVersion, hash: head.hash } })],
    ["two events with 'any' (the general statement)", 2, () => ({ expectedVersion: 'any' })],
  ])('an older transaction appending after a younger one committed: %s', async (_, lateEvents, optionsFor) => {
    const streamId = `claim-${randomUUID()}`;
    await store.append(streamId, [labelledEvent('v1')], { expectedVersion: 'no_stream' });

    const older: PoolClient = await db.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()'); // its transaction id is now older than the next writer's
      const younger = await store.append(streamId, [labelledEvent('v2')], { expectedVersion: 1 });
      const [, head] = await store.readStream(streamId, {}, older);
      const late = await store.append(streamId, Array.from({ length: lateEvents }, (__, index) => labelledEvent(`v${3 + index}`)), { ...optionsFor(head), client: older });
      await older.query('COMMIT');
      expect(compareLogPositions(late.lastPosition, younger.lastPosition)).toBeGreaterThan(0);
    } finally {
      older.release();
    }
    await waitUntilLogReadable(db.pool);

    // Every reader: the log read one event at a time shows the stream in version order.
    const stream = (await readOneByOne(store, LOG_START)).events.filter((recorded) => recorded.streamId === streamId);
    const versions = Array.from({ length: 2 + lateEvents }, (__, index) => index + 1);
    expect(stream.map((recorded) => recorded.streamVersion)).toEqual(versions);

    // Verification up to any position of the stream sees no gap.
    for (const recorded of stream) {
      const upTo = { transactionId: recorded.transactionId, globalPosition: recorded.globalPosition };
      await expect(verifyLog(db.pool, { streamId, upTo })).resolves.toMatchObject({ intact: true, events: recorded.streamVersion });
    }

    // The store's own export imports.
    const lines: string[] = [];
    for await (const line of exportLog(db.pool)) lines.push(line);
    const target = await createTestDatabase();
    try {
      const imported = await importLog(target.pool, async function* () {
        yield* lines;
      });
      expect(imported.verification.intact).toBe(true);
      const copy = new PgEventStore({ pool: target.pool });
      expect((await copy.readStream(streamId)).map((recorded) => recorded.streamVersion)).toEqual(versions);
    } finally {
      await target.drop();
    }
  });
});
