import { randomUUID } from 'node:crypto';
import { PgEventStore, SubscriptionCheckpointMissing, type EventStoreLogger, type SubscriptionHandler } from '@claims/event-store';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';

// A subscription's checkpoint row is what instances of one subscription agree on: who moved it, and
// whether it is still there.
describe("a subscription's checkpoint row", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 20 });
  });
  afterAll(async () => {
    await db.drop();
  });

  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open };
  };

  it('an instance that adopts the checkpoint another instance moved settles its waiters, and handles nothing twice', async () => {
    const name = `adopted-${randomUUID()}`;
    const first = new PgEventStore({ pool: db.pool });
    const second = new PgEventStore({ pool: db.pool });
    const start = await first.headPosition();
    const eventId = randomUUID();
    const { lastPosition } = await first.append(`claim-${randomUUID()}`, [{ eventId, type: 'ReportAdded', data: {} }]);

    const held = gate();
    let firstEntered = false;
    const handledBySecond: string[] = [];
    const blocking: SubscriptionHandler = async () => {
      firstEntered = true;
      await held.opened;
    };
    const recording: SubscriptionHandler = async (event) => {
      handledBySecond.push(event.eventId);
    };
    try {
      // The first instance holds the checkpoint row (its batch's lock) while its handler waits.
      const a = first.subscribe(name, { from: start, pollIntervalMs: 100 }, blocking);
      await waitUntil(() => firstEntered, { what: 'the first instance to hold its batch' });
      // The second reads the same event and waits for the row the first one holds.
      const b = second.subscribe(name, { from: start, pollIntervalMs: 100 }, recording);
      await waitUntil(
        async () =>
          (
            await db.pool.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%subscription_checkpoints%FOR UPDATE%'`,
            )
          ).rowCount === 1,
        { what: 'the second instance to wait for the checkpoint row' },
      );
      const secondReached = b.waitForPosition(lastPosition, 5_000).then(
        () => 'reached',
        (error: Error) => error.message,
      );

      held.open();
      await a.waitForPosition(lastPosition);
      // The second instance finds the checkpoint moved past its batch: it adopts it, and its waiter resolves.
      expect(await secondReached).toBe('reached');
      expect(b.status().position).toEqual(lastPosition);
      expect(handledBySecond).toEqual([]);
    } finally {
      held.open();
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('deleted under a running subscription: it stops with SubscriptionCheckpointMissing instead of re-running from the start', async () => {
    const name = `deleted-${randomUUID()}`;
    const errors: string[] = [];
    const logger: EventStoreLogger = { info: () => undefined, warn: () => undefined, error: (fields) => errors.push(String(fields.err)) };
    const store = new PgEventStore({ pool: db.pool, logger });
    const start = await store.headPosition();
    const deliveries = new Map<string, number>();
    const counting: SubscriptionHandler = async (event) => {
      deliveries.set(event.eventId, (deliveries.get(event.eventId) ?? 0) + 1);
    };
    const before = randomUUID();
    const after = randomUUID();
    try {
      const first = await store.append(`claim-${randomUUID()}`, [{ eventId: before, type: 'ReportAdded', data: {} }]);
      const subscription = store.subscribe(name, { from: start, pollIntervalMs: 100 }, counting);
      await subscription.waitForPosition(first.lastPosition);

      await db.pool.query('DELETE FROM subscription_checkpoints WHERE name = $1', [name]);
      const second = await store.append(`claim-${randomUUID()}`, [{ eventId: after, type: 'ReportAdded', data: {} }]);
      const outcome = await subscription.waitForPosition(second.lastPosition, 10_000).then(
        () => 'reached',
        (error: unknown) => error,
      );

      expect(outcome).toBeInstanceOf(SubscriptionCheckpointMissing);
      expect(subscription.status()).toMatchObject({ running: false, position: first.lastPosition });
      expect(subscription.status().lastError).toContain('checkpoint row is gone');
      expect(errors.some((error) => error.includes('checkpoint row is gone'))).toBe(true);
      // Nothing handled again, nothing handled without a checkpoint, and the row is not recreated behind the operator's back.
      expect(Object.fromEntries(deliveries)).toEqual({ [before]: 1 });
      expect((await db.pool.query('SELECT 1 FROM subscription_checkpoints WHERE name = $1', [name])).rowCount).toBe(0);
      await expect(subscription.waitForPosition(second.lastPosition)).rejects.toBeInstanceOf(SubscriptionCheckpointMissing);
    } finally {
      await store.close();
    }
  });
});
