import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { PoolClient } from 'pg';
import {
  oldestRunningTransaction,
  PgEventStore,
  withTransaction,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionHandler,
} from '@claims/event-store';
import { enqueueFeedMessages } from '@claims/feed';
import { createTestDatabase, logEnd, waitUntil, waitUntilLogReadable, type TestDatabase } from '@claims/testing';

// What a subscription's batch runs first (the library keeps its own copy private).
const MARK_LOG_READER_SQL = 'SELECT mark_log_reader()';
// The key of the transaction-level advisory lock mark_log_reader() takes (see its migration), for the
// forgery test: (0x636c6c72 << 32) | the transaction id's low 32 bits.
const MARK_LOCK_SQL = `SELECT pg_advisory_xact_lock((1668049010::bigint << 32) | xid(pg_current_xact_id())::text::bigint)`;

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

  const append = (client?: PoolClient) => store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }], { client });

  /** Reads the log from `after` as far as it is readable now, as a tailing reader does. */
  const readReadable = async (after: LogPosition): Promise<{ events: RecordedEvent[]; at: LogPosition }> => {
    const events: RecordedEvent[] = [];
    let at = after;
    for (;;) {
      const page = await store.readAll({ after: at, limit: 100 });
      if (page.events.length === 0) return { events, at };
      events.push(...page.events);
      at = page.next;
    }
  };

  /** Every committed event after `after`, in log order, ignoring the watermark: what a reader must end up with. */
  const logAfter = async (after: LogPosition): Promise<string[]> => {
    const { rows } = await db.pool.query<{ event_id: string }>(
      `SELECT event_id FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) ORDER BY transaction_id, global_position`,
      [after.transactionId, after.globalPosition],
    );
    return rows.map((row) => row.event_id);
  };

  /**
   * A transaction `suspect` is open and has done `before`; another transaction appends and commits; a reader
   * tails the log as far as it may; `suspect` does `after` and commits; the reader tails on. Returns what the
   * reader saw and what the log holds.
   */
  const tailAround = async (before: (suspect: PoolClient) => Promise<void>, after: (suspect: PoolClient) => Promise<void>) => {
    const start = await logEnd(db.pool);
    const suspect = await db.pool.connect();
    try {
      await suspect.query('BEGIN');
      await before(suspect);
      await append();
      const first = await readReadable(start);
      await after(suspect);
      await suspect.query('COMMIT');
      await waitUntilLogReadable(db.pool);
      const rest = await readReadable(first.at);
      return { seen: [...first.events, ...rest.events].map((event) => event.eventId), log: await logAfter(start) };
    } finally {
      await suspect.query('ROLLBACK').catch(() => undefined);
      suspect.release();
    }
  };

  it('a mark made in a savepoint and rolled back to cannot hide the transaction\'s later events from a reader', async () => {
    let refused: unknown;
    const { seen, log } = await tailAround(
      async (suspect) => {
        await suspect.query('SAVEPOINT s');
        refused = await suspect.query(MARK_LOG_READER_SQL).then(
          () => undefined,
          (error: unknown) => error,
        );
      },
      async (suspect) => {
        await suspect.query('ROLLBACK TO SAVEPOINT s');
        await append(suspect);
      },
    );
    expect(log).toHaveLength(2);
    expect(seen).toEqual(log);
    // A mark that a rollback could take back is refused: it is made at a transaction's top level only.
    expect(refused).toMatchObject({ code: '25001' });
  });

  it('a transaction that names itself a log reader by hand after writing does not hide its events from a reader', async () => {
    const { seen, log } = await tailAround(
      async (suspect) => {
        await append(suspect);
        await suspect.query(`SELECT set_config('application_name', 'claim-ledger-log-reader:' || pg_current_xact_id()::text, true)`);
      },
      async () => undefined,
    );
    expect(log).toHaveLength(2);
    expect(seen).toEqual(log);
  });

  it("a transaction that takes the mark's name and lock by hand after writing does not hide its events from a reader", async () => {
    const { seen, log } = await tailAround(
      async (suspect) => {
        await append(suspect);
        await suspect.query(MARK_LOCK_SQL);
        await suspect.query(`SELECT set_config('application_name', 'claim-ledger-log-reader:' || pg_current_xact_id()::text, true)`);
      },
      async () => undefined,
    );
    expect(log).toHaveLength(2);
    expect(seen).toEqual(log);
  });

  it("a handler's own SAVEPOINT and ROLLBACK TO inside a subscription batch cannot unmark it", async () => {
    const start = await store.headPosition();
    const trigger = randomUUID();
    const held = gate();
    let refusal: unknown = 'not tried';
    let rolledBack = false;
    const subscription = store.subscribe(`savepoints-${randomUUID()}`, { from: start, pollIntervalMs: 100 }, async (event, { client }) => {
      if (event.eventId !== trigger) return;
      await client.query('SAVEPOINT handler');
      await client.query('ROLLBACK TO SAVEPOINT handler');
      await client.query('SAVEPOINT attempt');
      refusal = await append(client).then(
        () => undefined,
        (error: unknown) => error,
      );
      await client.query('ROLLBACK TO SAVEPOINT attempt');
      rolledBack = true;
      await held.opened;
    });
    try {
      await store.append(`claim-${randomUUID()}`, [{ eventId: trigger, type: 'ReportAdded', data: {} }]);
      await waitUntil(() => rolledBack, { what: 'the handler to try its append' });
      expect(refusal).toMatchObject({ code: '25006' });
      // Still marked for the watermark too: an event appended now is readable while the batch is open.
      const { lastPosition } = await append();
      expect(await store.headPosition()).toEqual(lastPosition);
      held.open();
      await subscription.waitForPosition(lastPosition);
    } finally {
      held.open();
      await subscription.stop();
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
          await withTransaction(db.pool, async (client) => {
            await client.query('SELECT pg_current_xact_id()');
            await pause(random(15));
            await store.append(streamId, events, { client });
          });
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
