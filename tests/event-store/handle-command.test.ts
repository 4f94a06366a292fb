import { randomUUID } from 'node:crypto';
import { handleCommand, PgEventStore, WrongExpectedVersion, type Decider, type RecordedEvent } from '@claims/event-store';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';

// A tally decider: small enough that the test is about handleCommand, not about a domain.
type TallyEvent = { type: 'Counted'; data: { by: number } } | { type: 'Closed'; data: Record<string, never> };
type TallyCommand = { type: 'Count'; by: number } | { type: 'Close' };
interface TallyState {
  total: number;
  closed: boolean;
}

class TallyClosed extends Error {}

const tally: Decider<TallyState, TallyCommand, TallyEvent> = {
  initialState: () => ({ total: 0, closed: false }),
  evolve: (state, event) => (event.type === 'Counted' ? { ...state, total: state.total + event.data.by } : { ...state, closed: true }),
  decide: (command, state) => {
    if (state.closed) throw new TallyClosed('closed');
    if (command.type === 'Close') return [{ type: 'Closed', data: {} }];
    return command.by === 0 ? [] : [{ type: 'Counted', data: { by: command.by } }];
  },
};

const readTallyEvent = (event: RecordedEvent): TallyEvent => {
  if (event.type === 'Counted' && typeof event.data.by === 'number') return { type: 'Counted', data: { by: event.data.by } };
  if (event.type === 'Closed') return { type: 'Closed', data: {} };
  throw new Error(`unreadable event ${event.type}`);
};

describe('handleCommand', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const stream = () => `tally-${randomUUID()}`;
  const run = (streamId: string, command: TallyCommand, options: { expectedVersion?: number } = {}) =>
    handleCommand(store, streamId, tally, command, { readEvent: readTallyEvent, ...options });

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 12 });
    store = new PgEventStore({ pool: db.pool });
  });
  afterAll(() => db.drop());

  const lockWaiters = async (): Promise<number> => {
    const { rows } = await db.pool.query<{ waiting: number }>(
      "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    return rows[0].waiting;
  };

  it('folds the stream, decides, appends with metadata and returns the new state and version', async () => {
    const id = stream();
    await run(id, { type: 'Count', by: 2 });
    const result = await handleCommand(store, id, tally, { type: 'Count', by: 3 }, {
      readEvent: readTallyEvent,
      metadata: { actor: { id: 'editor-amina' }, correlationId: 'corr-1', causationId: 'req-1' },
    });

    expect(result).toMatchObject({
      previousState: { total: 2 },
      newState: { total: 5 },
      newEvents: [{ type: 'Counted', data: { by: 3 } }],
      nextExpectedVersion: 2,
      appended: { written: true, nextExpectedVersion: 2 },
    });
    const events = await store.readStream(id);
    expect(events.map((event) => [event.streamVersion, event.type, event.data])).toEqual([
      [1, 'Counted', { by: 2 }],
      [2, 'Counted', { by: 3 }],
    ]);
    expect(events[1].metadata).toEqual({ actor: { id: 'editor-amina' }, correlationId: 'corr-1', causationId: 'req-1' });
  });

  it('writes nothing when the decider decides nothing', async () => {
    const id = stream();
    await run(id, { type: 'Count', by: 1 });
    const result = await run(id, { type: 'Count', by: 0 });
    expect(result).toMatchObject({ newEvents: [], nextExpectedVersion: 1 });
    expect(result.appended).toBeUndefined();
    expect(await store.streamVersion(id)).toBe(1);
  });

  it('lets decider errors through and writes nothing', async () => {
    const id = stream();
    await run(id, { type: 'Close' });
    await expect(run(id, { type: 'Count', by: 1 })).rejects.toBeInstanceOf(TallyClosed);
    expect(await store.streamVersion(id)).toBe(1);
  });

  it('refuses a stale expected version (If-Match) with the actual version, before deciding', async () => {
    const id = stream();
    await run(id, { type: 'Count', by: 1 });
    await run(id, { type: 'Count', by: 1 });
    await expect(run(id, { type: 'Count', by: 0 }, { expectedVersion: 1 })).rejects.toMatchObject({
      name: 'WrongExpectedVersion',
      expectedVersion: 1,
      actualVersion: 2,
    });
    await expect(run(stream(), { type: 'Count', by: 1 }, { expectedVersion: 3 })).rejects.toMatchObject({ actualVersion: 0 });
    const accepted = await run(id, { type: 'Count', by: 1 }, { expectedVersion: 2 });
    expect(accepted.nextExpectedVersion).toBe(3);
  });

  it('appends inside the caller transaction: a rollback leaves the stream untouched', async () => {
    const id = stream();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await handleCommand(store, id, tally, { type: 'Count', by: 4 }, { readEvent: readTallyEvent, client });
      expect(result.nextExpectedVersion).toBe(1);
      expect(await store.streamVersion(id, client)).toBe(1);
      expect(await store.streamVersion(id)).toBe(0);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await store.streamVersion(id)).toBe(0);
  });

  it('races: of writers that read the same version, exactly one appends; the others get WrongExpectedVersion', async () => {
    const id = stream();
    await run(id, { type: 'Count', by: 1 });
    const writers = 10;
    const clients = await Promise.all(Array.from({ length: writers }, () => db.pool.connect()));
    const blocker = await db.pool.connect();
    try {
      // Appends wait behind the blocker's table lock, reads do not: every writer reads version 1 before any appends.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE events IN SHARE MODE');
      const outcomes = Promise.allSettled(
        clients.map(async (client) => {
          await client.query('BEGIN');
          try {
            const result = await handleCommand(store, id, tally, { type: 'Count', by: 1 }, { readEvent: readTallyEvent, client });
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        }),
      );
      await waitUntil(async () => (await lockWaiters()) === writers);
      await blocker.query('COMMIT');
      const settled = await outcomes;
      const won = settled.filter((outcome) => outcome.status === 'fulfilled');
      const lost = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(writers - 1);
      for (const error of lost) expect(error).toBeInstanceOf(WrongExpectedVersion);
    } finally {
      blocker.release();
      for (const client of clients) client.release();
    }
    expect((await run(id, { type: 'Count', by: 0 })).newState.total).toBe(2);
  });
});
