import { randomUUID } from 'node:crypto';
import { Client, Pool, type PoolClient } from 'pg';
import { computeLogDigest, createCheckpoint, PgEventStore, type EventStoreLogger, type SubscriptionHandler } from '@claims/event-store';
import { inTransaction } from '@claims/projections';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';

// A checked-out client whose backend is terminated (restart, failover, pg_terminate_backend, an idle
// timeout) must fail the work it was doing, never the process: an 'error' event with no listener on a
// checked-out pg client is an uncaught exception. Each test terminates the backend at one point where
// a library holds a client, and checks the process saw no uncaught error.
describe('a checked-out connection whose backend is terminated', () => {
  let db: TestDatabase;
  let admin: Client;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    await db.pool.query('CREATE TABLE seen (subscription text, event_id uuid, PRIMARY KEY (subscription, event_id))');
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await admin.end();
    await db.drop();
  });
  beforeEach(() => {
    uncaught.length = 0;
  });

  /** Terminates a backend and waits until it is gone from the server. */
  const terminate = async (pid: number): Promise<void> => {
    const { rows } = await admin.query<{ done: boolean }>('SELECT pg_terminate_backend($1, 10000) AS done', [pid]);
    expect(rows[0].done).toBe(true);
  };

  /** A gate the test opens: the code under test waits on it between two of its queries. */
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open };
  };

  it("a subscription's batch connection terminated mid-batch: the batch fails, is retried, and every event is delivered once", async () => {
    const logged: string[] = [];
    const logger: EventStoreLogger = { info: () => undefined, warn: () => undefined, error: (fields) => logged.push(String(fields.err)) };
    const store = new PgEventStore({ pool: db.pool, logger });
    const name = `lost-batch-${randomUUID()}`;
    const first = randomUUID();
    const second = randomUUID();
    const held = gate();
    let batchPid: number | undefined;
    const handler: SubscriptionHandler = async (event, { client, subscription }) => {
      if (event.eventId === first && batchPid === undefined) {
        batchPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await held.opened;
      }
      await client.query('INSERT INTO seen (subscription, event_id) VALUES ($1, $2)', [subscription, event.eventId]);
    };
    const start = await store.headPosition();
    const appended = await store.append(`claim-${randomUUID()}`, [{ eventId: first, type: 'ReportAdded', data: { n: 1 } }]);
    const subscription = store.subscribe(name, { from: start, pollIntervalMs: 100, maxBackoffMs: 200 }, handler);
    try {
      const pid = await waitUntil(() => batchPid, { what: 'the handler to hold its batch' });
      await terminate(pid);
      held.open();
      await subscription.waitForPosition(appended.lastPosition, 20_000);
      expect(subscription.status().lastError).toMatch(/connection|terminat/i);
      expect(logged.some((line) => /connection|terminat/i.test(line))).toBe(true);

      const later = await store.append(`claim-${randomUUID()}`, [{ eventId: second, type: 'ReportAdded', data: { n: 2 } }]);
      await subscription.waitForPosition(later.lastPosition, 20_000);
      const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM seen WHERE subscription = $1 ORDER BY event_id', [name]);
      expect(rows.map((row) => row.event_id).sort()).toEqual([first, second].sort());
      expect(subscription.status()).toMatchObject({ running: true, failedAttempts: 0 });
      expect(uncaught).toEqual([]);
    } finally {
      held.open();
      await store.close();
    }
  });

  it("createCheckpoint's lock connection terminated between its queries: the checkpoint fails, the next one is made", async () => {
    await new PgEventStore({ pool: db.pool }).append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }]);
    // Two connections: the lock's, and the digest's, which waits until the test gives back the one it holds.
    const pool = new Pool({ connectionString: db.url, max: 2 });
    let occupied: PoolClient | undefined = await pool.connect();
    try {
      const attempt = createCheckpoint(pool).then(
        () => 'created',
        (error: Error) => error.message,
      );
      await waitUntil(() => pool.waitingCount === 1, { what: 'createCheckpoint to wait for its digest connection' });
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(rows).toHaveLength(1);
      await terminate(rows[0].pid);
      occupied.release();
      occupied = undefined;
      expect(await attempt).toMatch(/connection|terminat|not queryable/i);

      const { created } = await createCheckpoint(pool);
      expect(created).toBe(true);
      expect(uncaught).toEqual([]);
    } finally {
      occupied?.release();
      await pool.end();
    }
  });

  it("computeLogDigest's connection terminated while it reads: the digest fails, the next one is computed", async () => {
    const store = new PgEventStore({ pool: db.pool });
    const { lastPosition } = await store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: {} }]);
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const attempt = computeLogDigest(db.pool, lastPosition).then(
        () => 'computed',
        (error: Error) => error.message,
      );
      const { pid } = await waitUntil(
        async () =>
          (
            await admin.query<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%count(*)%events%'`,
            )
          ).rows[0],
        { what: 'the digest to wait for the events table' },
      );
      await terminate(pid);
      expect(await attempt).toMatch(/connection|terminat/i);
      await blocker.query('ROLLBACK');

      const digest = await computeLogDigest(db.pool, lastPosition);
      expect(digest.events).toBeGreaterThanOrEqual(1);
      expect(uncaught).toEqual([]);
    } finally {
      await blocker.end();
    }
  });

  it('inTransaction terminated between two queries: the work fails, the broken client is destroyed and the pool serves on', async () => {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const held = gate();
    let pid: number | undefined;
    try {
      const attempt = inTransaction(pool, async (client) => {
        pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await held.opened;
        await client.query('SELECT 1');
        return 'committed';
      }).catch((error: Error) => error.message);
      await terminate(await waitUntil(() => pid, { what: 'the transaction to start' }));
      held.open();
      expect(await attempt).toMatch(/connection|terminat|not queryable/i);

      // The pool's only connection was the lost one: a query now proves it was destroyed, not reused.
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(rows[0].pid).not.toBe(pid);
      expect(uncaught).toEqual([]);
    } finally {
      held.open();
      await pool.end();
    }
  });
});
