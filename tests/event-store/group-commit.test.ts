import { randomUUID } from 'node:crypto';
import { PgEventStore, WrongExpectedVersion, verifyLog, type NewEvent } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';

const reported = (eventId = randomUUID()): NewEvent => ({ eventId, type: 'ReportAdded', data: { sourceId: 'src-1', note: 'group commit' } });

// Single-event appends on the store's own connections share statements (and commits) while others are in
// flight. These tests check that sharing changes nothing a caller can see, except fewer transactions.
describe('group commit of single-event appends', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool, groupCommitStatements: 1 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const transactionsOf = async (streamIds: string[]) => {
    const { rows } = await db.pool.query<{ transactions: string; events: string }>(
      'SELECT count(DISTINCT transaction_id) AS transactions, count(*) AS events FROM events WHERE stream_id = ANY($1::text[])',
      [streamIds],
    );
    return { transactions: Number(rows[0].transactions), events: Number(rows[0].events) };
  };

  it('writes concurrent appends to many streams in shared transactions, each acknowledged with its own position', async () => {
    const streams = Array.from({ length: 60 }, () => `claim-${randomUUID()}`);
    const results = await Promise.all(streams.map((streamId) => store.append(streamId, [reported()], { expectedVersion: 'no_stream' })));

    expect(results.every((result) => result.written && result.nextExpectedVersion === 1)).toBe(true);
    expect(new Set(results.map((result) => result.positions[0])).size).toBe(60);
    const { transactions, events } = await transactionsOf(streams);
    expect(events).toBe(60);
    // One statement in flight: the first append goes alone, the rest queue behind it and share commits.
    expect(transactions).toBeLessThan(60);
    for (const [index, streamId] of streams.entries()) {
      const [stored] = await store.readStream(streamId);
      expect(stored.globalPosition).toBe(results[index].positions[0]);
      expect(stored.transactionId).toBe(results[index].lastPosition.transactionId);
    }
    expect((await verifyLog(db.pool)).intact).toBe(true);
  });

  it('keeps appends in one batch independent: a lost race or a retry refuses only that append', async () => {
    const contested = `claim-${randomUUID()}`;
    const retried = `claim-${randomUUID()}`;
    const others = Array.from({ length: 10 }, () => `claim-${randomUUID()}`);
    await store.append(contested, [reported()], { expectedVersion: 'no_stream' });
    const retry = reported();
    // Hold the only statement slot so everything below queues and goes out as one batch.
    const blocker = store.append(`claim-${randomUUID()}`, [reported()], { expectedVersion: 'no_stream' });
    const outcomes = await Promise.allSettled([
      store.append(contested, [reported()], { expectedVersion: 1 }),
      store.append(contested, [reported()], { expectedVersion: 1 }),
      store.append(retried, [retry], { expectedVersion: 'no_stream' }),
      store.append(retried, [retry], { expectedVersion: 'no_stream' }),
      ...others.map((streamId) => store.append(streamId, [reported()], { expectedVersion: 'no_stream' })),
    ]);
    await blocker;

    const [raceA, raceB, retryA, retryB, ...rest] = outcomes;
    const race = [raceA, raceB];
    expect(race.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const lost = race.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(WrongExpectedVersion);
    expect((lost.reason as WrongExpectedVersion).actualVersion).toBe(2);

    const retries = [retryA, retryB].map((outcome) => (outcome as PromiseFulfilledResult<{ written: boolean; positions: number[] }>).value);
    expect(retries.map((result) => result.written).sort()).toEqual([false, true]);
    expect(retries[0].positions).toEqual(retries[1].positions);

    expect(rest.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect((await transactionsOf(others)).events).toBe(10);
    expect(await store.streamVersion(contested)).toBe(2);
    expect(await store.streamVersion(retried)).toBe(1);
    expect((await verifyLog(db.pool)).intact).toBe(true);
  });

  it('fails only the append PostgreSQL refuses, not the others sharing its statement', async () => {
    const others = Array.from({ length: 8 }, () => `claim-${randomUUID()}`);
    const blocker = store.append(`claim-${randomUUID()}`, [reported()], { expectedVersion: 'no_stream' });
    // jsonb cannot hold the NUL character: this event is refused by the database, not by the store.
    const refused = store.append(`claim-${randomUUID()}`, [{ eventId: randomUUID(), type: 'ReportAdded', data: { note: 'nul \u0000 here' } }], { expectedVersion: 'no_stream' });
    const outcomes = await Promise.allSettled([refused, ...others.map((streamId) => store.append(streamId, [reported()], { expectedVersion: 'no_stream' }))]);
    await blocker;

    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: '22P05' }) });
    expect(outcomes.slice(1).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect((await transactionsOf(others)).events).toBe(8);
  });

  /** Another transaction's uncommitted first event on each stream: a fast-path append there waits for that transaction. */
  const holdStreams = async (streamIds: string[]) => {
    const holder = await db.pool.connect();
    await holder.query('BEGIN');
    for (const streamId of streamIds) await store.append(streamId, [reported()], { client: holder, expectedVersion: 'no_stream' });
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await holder.query('COMMIT');
        holder.release();
      },
    };
  };

  /** Settles when every promise did, or rejects once `holder` is left to a bound no prompt append needs. */
  const allWhileHeld = <T>(promises: Promise<T>[]): Promise<T[]> =>
    Promise.race([
      Promise.all(promises),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('appends to other streams stalled behind the held lock')), 20_000).unref()),
    ]);

  it.each([
    ['every statement slot is taken by a waiting append', 2, 2],
    ['the waiting append shares a statement with the others', 1, 1],
  ])('a lock wait does not stall appends to other streams (%s)', async (_, statements, held) => {
    const blocked = new PgEventStore({ pool: db.pool, groupCommitStatements: statements });
    const heldStreams = Array.from({ length: held }, () => `claim-${randomUUID()}`);
    const holder = await holdStreams(heldStreams);
    const fresh = Array.from({ length: 40 }, () => `claim-${randomUUID()}`);
    try {
      // With one slot, a first fresh append takes it, so the waiting one queues into the next shared statement.
      const lead = statements === 1 ? [blocked.append(fresh[0], [reported()], { expectedVersion: 'no_stream' })] : [];
      const waiting = heldStreams.map((streamId) => blocked.append(streamId, [reported()], { expectedVersion: 'no_stream' }));
      const others = fresh.slice(lead.length).map((streamId) => blocked.append(streamId, [reported()], { expectedVersion: 'no_stream' }));
      const results = await allWhileHeld([...lead, ...others]);
      expect(results.map((result) => result.nextExpectedVersion)).toEqual(fresh.map(() => 1));
      expect((await transactionsOf(fresh)).events).toBe(40);

      await holder.release();
      // The waiting appends end as they would have alone: the holder took version 1 first.
      for (const outcome of await Promise.allSettled(waiting)) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ name: 'WrongExpectedVersion', actualVersion: 1 }) });
      }
    } finally {
      await holder.release();
      await blocked.close();
    }
  });

  it('turned off (0), every append is its own transaction', async () => {
    const solo = new PgEventStore({ pool: db.pool, groupCommitStatements: 0 });
    const streams = Array.from({ length: 20 }, () => `claim-${randomUUID()}`);
    await Promise.all(streams.map((streamId) => solo.append(streamId, [reported()], { expectedVersion: 'no_stream' })));
    expect(await transactionsOf(streams)).toEqual({ transactions: 20, events: 20 });
    await solo.close();
  });
});
