import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  MARK_LOG_READER_SQL,
  oldestRunningTransaction,
  PgEventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionHandler,
} from '@claims/event-store';
import { enqueueFeedMessages } from '@claims/feed';
import { createTestDatabase, logEnd, waitUntil, type TestDatabase } from '@claims/testing';

// Readers of the log take rows below its watermark. A reader that holds a transaction (a subscription's
// batch) marks itself, and the watermark passes it: readers are not coupled through one subscriber's
// transaction. These tests prove the decoupling, that a marked transaction cannot write what the
// watermark passes, and that the watermark still never lets a reader skip an event.
describe("the log's watermark", () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 30 });
    store = new PgEventStore({ pool: db.pool });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const session = async (applicationName: string): Promise<Client> => {
    const client = new Client({ connectionString: db.url, application_name: applicationName });
    await client.connect();
    return client;
  };

  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open };
  };

  it('a subscription blocked in the middle of a batch does not hold back another subscription', async () => {
    const start = await store.headPosition();
    const blockedOn = randomUUID();
    const held = gate();
    let blockedInBatch = false;
    let released = false;
    const blocking: SubscriptionHandler = async (event) => {
      if (event.eventId !== blockedOn) return;
      blockedInBatch = true;
      await held.opened;
      released = true;
    };
    const seenByFree: string[] = [];
    const slow = store.subscribe(`slow-${randomUUID()}`, { from: start, pollIntervalMs: 100 }, blocking);
    const free = store.subscribe(`free-${randomUUID()}`, { from: start, pollIntervalMs: 100 }, async (event) => {
      seenByFree.push(event.eventId);
    });
    try {
      await store.append(`claim-${randomUUID()}`, [{ eventId: blockedOn, type: 'ReportAdded', data: {} }]);
      await waitUntil(() => blockedInBatch, { what: 'the slow handler to block in its batch' });

      const later = randomUUID();
      const { lastPosition } = await store.append(`claim-${randomUUID()}`, [{ eventId: later, type: 'ReportAdded', data: {} }]);
      await free.waitForPosition(lastPosition, 5_000);
      expect(seenByFree).toEqual([blockedOn, later]);
      // All the while the slow subscription's batch is still open.
      expect(released).toBe(false);
      expect(slow.status().position).toEqual(start);

      held.open();
      await slow.waitForPosition(lastPosition);
    } finally {
      held.open();
      await Promise.all([slow.stop(), free.stop()]);
    }
  });

  it('a marked log reader cannot append events nor enqueue outbox rows, and only a fresh transaction can be marked', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(MARK_LOG_READER_SQL);
      await expect(store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }], { client })).rejects.toMatchObject({
        code: '25006',
      });
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      await client.query(MARK_LOG_READER_SQL);
      const message = { id: randomUUID(), topic: 'claims.status.v1', key: 'k', type: 't', subject: 's', payload: {}, occurredAt: new Date() };
      await expect(enqueueFeedMessages(client, [message])).rejects.toMatchObject({ code: '25006' });
      await client.query('ROLLBACK');

      // A transaction that already has an id may already have written: it cannot become a reader.
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      await expect(client.query(MARK_LOG_READER_SQL)).rejects.toMatchObject({ code: '25001' });
      await client.query('ROLLBACK');

      // The mark ends with its transaction: the next one on the same connection writes as usual.
      const { written } = await store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }], { client });
      expect(written).toBe(true);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });

  it('passes an older marked reader, stops at the first unmarked transaction, and oldestRunningTransaction names that one', async () => {
    const reader = await session('watermark-test-reader');
    const writer = await session('watermark-test-writer');
    try {
      await reader.query('BEGIN');
      const readerXid = (await reader.query<{ xid: string }>(`${MARK_LOG_READER_SQL} AS xid`)).rows[0].xid;
      // Appended after the reader took its id: the old watermark (the oldest running transaction) hid it.
      const passed = await store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }]);
      expect(BigInt(passed.lastPosition.transactionId)).toBeGreaterThan(BigInt(readerXid));
      expect(await oldestRunningTransaction(db.pool)).toBeUndefined();
      expect(await store.headPosition()).toEqual(passed.lastPosition);

      await writer.query('BEGIN');
      const writerXid = (await writer.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0].xid;
      const held = await store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }]);
      expect(await oldestRunningTransaction(db.pool)).toMatchObject({ transactionId: writerXid, applicationName: 'watermark-test-writer', state: 'idle in transaction' });
      expect(await store.headPosition()).toEqual(passed.lastPosition);

      await writer.query('ROLLBACK');
      expect(await oldestRunningTransaction(db.pool)).toBeUndefined();
      expect(await store.headPosition()).toEqual(held.lastPosition);
    } finally {
      await Promise.all([reader.end(), writer.end()]);
    }
  });

  it("a transaction in another database does not hold this database's readers back", async () => {
    const other = await createTestDatabase({ poolSize: 1 });
    const elsewhere = new Client({ connectionString: other.url });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      const foreignXid = (await elsewhere.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0].xid;
      const { lastPosition } = await store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }]);
      expect(BigInt(lastPosition.transactionId)).toBeGreaterThan(BigInt(foreignXid));
      expect(await store.headPosition()).toEqual(lastPosition);
      expect(await oldestRunningTransaction(db.pool)).toBeUndefined();
    } finally {
      await elsewhere.end();
      await other.drop();
    }
  });

  it('race: writers (some holding their id early), slow marked readers and a tailing reader; every reader sees every event once, in log order', async () => {
    const start = await logEnd(db.pool);
    const writers = 6;
    const appendsPerWriter = 60;
    const random = (max: number) => Math.floor(Math.random() * max);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    const write = async (writer: number) => {
      for (let index = 0; index < appendsPerWriter; index++) {
        const events = Array.from({ length: 1 + random(2) }, () => ({ eventId: randomUUID(), type: 'ReportAdded', data: { writer, index } }));
        const streamId = `claim-race-${writer}-${index % 7}`;
        if (index % 4 === 0) {
          // Takes its id, works a while (others commit meanwhile), then appends: commits after later ids.
          const client = await db.pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('SELECT pg_current_xact_id()');
            await pause(random(15));
            await store.append(streamId, events, { client });
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          } finally {
            client.release();
          }
        } else {
          await store.append(streamId, events);
        }
      }
    };

    // Marked readers whose batches take a while: their ids interleave with the writers'.
    const seen = new Map<string, RecordedEvent[]>();
    const readers = Array.from({ length: 3 }, (_, reader) => {
      const name = `race-${reader}-${randomUUID()}`;
      seen.set(name, []);
      return store.subscribe(name, { from: start, batchSize: 1 + reader * 7, pollIntervalMs: 50 }, async (event) => {
        if (random(5) === 0) await pause(random(20));
        seen.get(name)!.push(event);
      });
    });

    // A plain reader tailing the log with readAll.
    const tailed: RecordedEvent[] = [];
    let tailAt: LogPosition = start;
    let writing = true;
    const tail = (async () => {
      for (;;) {
        const { events, next } = await store.readAll({ after: tailAt, limit: 50 });
        tailed.push(...events);
        tailAt = next;
        if (events.length === 0) {
          if (!writing) return;
          await pause(5);
        }
      }
    })();

    try {
      await Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));
      const end = await logEnd(db.pool);
      await Promise.all(readers.map((reader) => reader.waitForPosition(end, 60_000)));
      await waitUntil(() => tailAt.transactionId === end.transactionId && tailAt.globalPosition === end.globalPosition, { timeoutMs: 60_000, what: 'the tail to reach the end' });
      writing = false;
      await tail;

      const { rows } = await db.pool.query<{ event_id: string }>(
        `SELECT event_id FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) ORDER BY transaction_id, global_position`,
        [start.transactionId, start.globalPosition],
      );
      const logOrder = rows.map((row) => row.event_id);
      expect(logOrder.length).toBeGreaterThanOrEqual(writers * appendsPerWriter);
      expect(tailed.map((event) => event.eventId)).toEqual(logOrder);
      for (const events of seen.values()) expect(events.map((event) => event.eventId)).toEqual(logOrder);
    } finally {
      writing = false;
      await tail.catch(() => undefined);
      await Promise.all(readers.map((reader) => reader.stop()));
    }
  });
});
