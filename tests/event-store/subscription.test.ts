import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PgEventStore, WrongExpectedVersion, type LogPosition, type Subscription, type SubscriptionHandler } from '@claims/event-store';
import { createTestDatabase, waitUntil, waitUntilLogReadable, type TestDatabase, logEnd as logEndOf } from '@claims/testing';

// Stands for work a writer does while its transaction holds its id (not a synchronisation).
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The handler's effect: one row per event, in the order handled, written in the checkpoint's transaction. */
const recordSeen: SubscriptionHandler = async (event, { client, subscription }) => {
  await client.query('INSERT INTO seen (subscription, event_id, global_position) VALUES ($1, $2, $3)', [
    subscription,
    event.eventId,
    event.globalPosition,
  ]);
};

describe('subscriptions', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 20 });
    store = new PgEventStore({ pool: db.pool });
    // The primary key turns any duplicate delivery into a handler failure the test would see.
    await db.pool.query(`CREATE TABLE seen (seq bigserial, subscription text, event_id uuid, global_position bigint,
      PRIMARY KEY (subscription, event_id))`);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const seenBy = async (name: string) =>
    (await db.pool.query<{ event_id: string }>('SELECT event_id FROM seen WHERE subscription = $1 ORDER BY seq', [name])).rows.map((row) => row.event_id);

  const logEnd = () => logEndOf(db.pool);

  const logOrder = async () =>
    (await db.pool.query<{ event_id: string }>('SELECT event_id FROM events ORDER BY transaction_id, global_position')).rows.map((row) => row.event_id);

  it('stress: concurrent writers, late commits and a subscriber restart; every event seen exactly once, in log order', async () => {
    const name = `stress-${randomUUID()}`;
    const writers = 6;
    const appendsPerWriter = 150;
    const streams = 60;
    let last: LogPosition | undefined;

    const write = async (writer: number) => {
      for (let index = 0; index < appendsPerWriter; index++) {
        const streamId = `claim-${(writer * 7 + index) % streams}`;
        const events = Array.from({ length: 1 + (index % 3) }, () => ({ eventId: randomUUID(), type: 'ReportAdded', data: { writer, index } }));
        if (index % 10 === 0) {
          // A transaction that holds its id while others commit: the case that makes naive readers skip events.
          // Appends in a caller's transaction cannot be retried by the store: the caller retries the transaction.
          for (let attempt = 0; ; attempt++) {
            const client = await db.pool.connect();
            try {
              await client.query('BEGIN');
              await client.query('SELECT pg_current_xact_id()');
              await sleep(5);
              await store.append(streamId, events, { client });
              await client.query('COMMIT');
              break;
            } catch (error) {
              await client.query('ROLLBACK');
              if (!(error instanceof WrongExpectedVersion) || attempt > 10) throw error;
            } finally {
              client.release();
            }
          }
        } else {
          await store.append(streamId, events);
        }
      }
    };

    let subscription: Subscription = store.subscribe(name, { batchSize: 50, pollIntervalMs: 200 }, recordSeen);
    const writing = Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));

    // Restart mid-run: a second process (its own pool and store) takes over from the stored checkpoint.
    await waitUntil(async () => (await seenBy(name)).length >= 300, { timeoutMs: 60_000, what: '300 events seen before the restart' });
    await subscription.stop();
    const restartedPool = new Pool({ connectionString: db.url, max: 4 });
    const restartedStore = new PgEventStore({ pool: restartedPool });
    try {
      subscription = restartedStore.subscribe(name, { batchSize: 50, pollIntervalMs: 200 }, recordSeen);
      await writing;
      // Not headPosition(): that is the last *readable* position, which transactions anywhere on the server
      // (other databases too) may still hold back. The writers are done, so this is the log's true end.
      last = await logEnd();
      await subscription.waitForPosition(last, 60_000);
      expect(subscription.status()).toMatchObject({ failedAttempts: 0, position: last });
    } finally {
      await restartedStore.close();
      await restartedPool.end();
    }

    const expectedOrder = await logOrder();
    expect(expectedOrder.length).toBeGreaterThan(writers * appendsPerWriter);
    expect(await seenBy(name)).toEqual(expectedOrder);
  });

  it('a failing handler is retried with backoff, reported, and never skipped', async () => {
    const name = `flaky-${randomUUID()}`;
    const streamId = `claim-${randomUUID()}`;
    const start = await store.headPosition();
    const poison = randomUUID();
    let failuresLeft = 3;
    const flaky: SubscriptionHandler = async (event, context) => {
      if (event.eventId === poison && failuresLeft > 0) {
        failuresLeft--;
        throw new Error('projection table is locked');
      }
      await recordSeen(event, context);
    };
    const before = { eventId: randomUUID(), type: 'ReportAdded', data: { n: 1 } };
    const after = { eventId: randomUUID(), type: 'ReportAdded', data: { n: 3 } };
    await store.append(streamId, [before]);
    await store.append(streamId, [{ eventId: poison, type: 'ReportAdded', data: { n: 2 } }]);
    const { lastPosition } = await store.append(streamId, [after]);

    const subscription = store.subscribe(name, { from: start, batchSize: 10, maxBackoffMs: 200 }, flaky);
    try {
      // While it fails, the failure is visible and the checkpoint stays before the poisonous event.
      await waitUntil(() => subscription.status().failedAttempts >= 2, { what: 'two failed attempts' });
      expect(subscription.status().lastError).toBe('projection table is locked');
      const { rows } = await db.pool.query('SELECT last_error, failed_attempts FROM subscription_checkpoints WHERE name = $1', [name]);
      expect(rows[0]).toMatchObject({ last_error: 'projection table is locked' });
      expect(await seenBy(name)).not.toContain(poison);

      await subscription.waitForPosition(lastPosition, 10_000);
      expect(await seenBy(name)).toEqual([before.eventId, poison, after.eventId]);
      expect(subscription.status()).toMatchObject({ failedAttempts: 0 });
    } finally {
      await subscription.stop();
    }
  });

  it("from 'end' skips the existing log; a stored checkpoint wins over `from`", async () => {
    const name = `tail-${randomUUID()}`;
    await store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Old', data: {} }]);
    // 'end' is the end of the *readable* log: let transactions elsewhere on the server release it first.
    await waitUntilLogReadable(db.pool);
    const tail = store.subscribe(name, { from: 'end', pollIntervalMs: 100 }, recordSeen);
    await tail.waitForPosition(await logEnd());
    const fresh = { eventId: randomUUID(), type: 'New', data: {} };
    const { lastPosition } = await store.append(`claim-${randomUUID()}`, [fresh]);
    await tail.waitForPosition(lastPosition);
    await tail.stop();
    expect(await seenBy(name)).toEqual([fresh.eventId]);

    const resumed = store.subscribe(name, { from: 'start' }, recordSeen);
    const another = { eventId: randomUUID(), type: 'New', data: {} };
    const appended = await store.append(`claim-${randomUUID()}`, [another]);
    await resumed.waitForPosition(appended.lastPosition);
    await resumed.stop();
    expect(await seenBy(name)).toEqual([fresh.eventId, another.eventId]);
  });

  it('is woken by LISTEN/NOTIFY from another writer, well before its polling interval', async () => {
    const name = `notified-${randomUUID()}`;
    // A second store instance stands for another process: its append reaches the subscriber only through NOTIFY.
    const otherProcess = new PgEventStore({ pool: db.pool });
    const subscription = store.subscribe(name, { from: 'end', pollIntervalMs: 60_000 }, recordSeen);
    try {
      await subscription.waitForPosition(await logEnd());
      // Idle on the notification wait, with 60 s to go before it would poll: only NOTIFY can wake it now.
      await waitUntil(() => subscription.status().waitingSince);
      const { lastPosition } = await otherProcess.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'New', data: {} }]);
      await subscription.waitForPosition(lastPosition, 5_000);
    } finally {
      await subscription.stop();
    }
  });
});
