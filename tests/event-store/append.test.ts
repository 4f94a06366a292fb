import { randomUUID } from 'node:crypto';
import { EventIdConflict, InvalidAppend, PgEventStore, WrongExpectedVersion, type NewEvent } from '@claims/event-store';
import type { PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@claims/testing';

const reported = (data: Record<string, unknown> = { sourceId: 'src-1' }): NewEvent => ({ eventId: randomUUID(), type: 'ReportAdded', data });

describe('append and read a stream', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
  });
  afterAll(() => db.drop());

  const stream = () => `claim-${randomUUID()}`;

  it('numbers versions from 1 and returns the next expected version and positions', async () => {
    const id = stream();
    const first = await store.append(id, [reported(), reported()], { expectedVersion: 'no_stream' });
    const second = await store.append(id, [reported()], { expectedVersion: first.nextExpectedVersion });

    expect(first).toMatchObject({ nextExpectedVersion: 2, written: true });
    expect(first.positions).toHaveLength(2);
    expect(second.nextExpectedVersion).toBe(3);
    expect(second.positions[0]).toBeGreaterThan(first.positions[1]);
    const events = await store.readStream(id);
    expect(events.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
    expect(events.map((event) => event.globalPosition)).toEqual([...first.positions, ...second.positions]);
  });

  it('stores every column: ids, type, schema version, data, metadata and a server timestamp', async () => {
    const id = stream();
    const event: NewEvent = {
      eventId: randomUUID(),
      type: 'ClaimAsserted',
      schemaVersion: 2,
      data: { statement: 'ISGS executed JNIM "spies" near Kalamba', figures: [1, 2] },
      metadata: { actor: { id: 'key-1', name: 'analyst' }, correlationId: 'c-1', causationId: 'c-0', requestId: 'r-1' },
    };
    const before = Date.now();
    await store.append(id, [event]);
    const [stored] = await store.readStream(id);
    expect(stored).toMatchObject({ streamId: id, streamVersion: 1, eventId: event.eventId, type: 'ClaimAsserted', schemaVersion: 2, data: event.data, metadata: event.metadata });
    expect(typeof stored.globalPosition).toBe('number');
    expect(stored.transactionId).toMatch(/^\d+$/);
    expect(stored.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
  });

  describe('expected version', () => {
    it('a number: accepted when it is the current version, refused with the actual version otherwise', async () => {
      const id = stream();
      await store.append(id, [reported(), reported()]);
      await expect(store.append(id, [reported()], { expectedVersion: 1 })).rejects.toMatchObject({
        name: 'WrongExpectedVersion',
        streamId: id,
        expectedVersion: 1,
        actualVersion: 2,
      });
      await expect(store.append(id, [reported()], { expectedVersion: 2 })).resolves.toMatchObject({ nextExpectedVersion: 3 });
    });

    it('no_stream (or 0): accepted on a new stream, refused on an existing one', async () => {
      const id = stream();
      await expect(store.append(id, [reported()], { expectedVersion: 'no_stream' })).resolves.toMatchObject({ nextExpectedVersion: 1 });
      await expect(store.append(id, [reported()], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(store.append(id, [reported()], { expectedVersion: 0 })).rejects.toMatchObject({ actualVersion: 1 });
      await expect(store.append(stream(), [reported()], { expectedVersion: 0 })).resolves.toMatchObject({ nextExpectedVersion: 1 });
    });

    it('stream_exists: refused on a new stream, accepted on an existing one', async () => {
      const id = stream();
      await expect(store.append(id, [reported()], { expectedVersion: 'stream_exists' })).rejects.toMatchObject({ actualVersion: 0 });
      expect(await store.streamVersion(id)).toBe(0);
      await store.append(id, [reported()]);
      await expect(store.append(id, [reported()], { expectedVersion: 'stream_exists' })).resolves.toMatchObject({ nextExpectedVersion: 2 });
    });

    it('any: accepted on new and existing streams', async () => {
      const id = stream();
      await expect(store.append(id, [reported()], { expectedVersion: 'any' })).resolves.toMatchObject({ nextExpectedVersion: 1 });
      await expect(store.append(id, [reported()], { expectedVersion: 'any' })).resolves.toMatchObject({ nextExpectedVersion: 2 });
    });

    it('a refused append writes nothing', async () => {
      const id = stream();
      await store.append(id, [reported()]);
      const rejected = reported();
      await expect(store.append(id, [rejected], { expectedVersion: 5 })).rejects.toBeInstanceOf(WrongExpectedVersion);
      const { rowCount } = await db.pool.query('SELECT 1 FROM events WHERE event_id = $1', [rejected.eventId]);
      expect(rowCount).toBe(0);
    });
  });

  describe('idempotent appends', () => {
    it('a retried append with the same event ids succeeds and writes nothing new', async () => {
      const id = stream();
      const events = [reported(), reported()];
      const first = await store.append(id, events, { expectedVersion: 'no_stream' });
      // The retry still carries the expectation of the first attempt: it must not fail because the first went through.
      const retry = await store.append(id, events, { expectedVersion: 'no_stream' });

      expect(retry).toEqual({ ...first, written: false });
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('the same append sent concurrently is stored once', async () => {
      const id = stream();
      const events = [reported(), reported(), reported()];
      const results = await Promise.all(Array.from({ length: 8 }, () => store.append(id, events, { expectedVersion: 'no_stream' })));

      expect(results.filter((result) => result.written)).toHaveLength(1);
      expect(new Set(results.map((result) => result.positions.join()))).toEqual(new Set([results[0].positions.join()]));
      expect((await store.readStream(id)).map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
    });

    it('re-using an event id for different content is an EventIdConflict', async () => {
      const id = stream();
      const event = reported({ sourceId: 'src-1' });
      await store.append(id, [event]);
      await expect(store.append(id, [{ ...event, data: { sourceId: 'src-2' } }])).rejects.toBeInstanceOf(EventIdConflict);
      await expect(store.append(id, [{ ...event, type: 'ReportRetracted' }])).rejects.toBeInstanceOf(EventIdConflict);
      await expect(store.append(stream(), [event])).rejects.toMatchObject({ name: 'EventIdConflict', eventId: event.eventId });
    });

    it.each(['any', 'stream_exists'] as const)(
      "an identical retry inside the caller's transaction with '%s' answers written: false and leaves the transaction usable",
      async (expectedVersion) => {
        const id = stream();
        await store.append(id, [reported()]);
        const events = [reported(), reported()];
        const first = await store.append(id, events, { expectedVersion });
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          const retry = await store.append(id, events, { client, expectedVersion });
          expect(retry).toEqual({ ...first, written: false });
          // The retry did not abort the transaction: it can still write and commit.
          await store.append(id, [reported()], { client, expectedVersion });
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        expect(await store.streamVersion(id)).toBe(4);
      },
    );

    it('a retry with other metadata, or with the same ids in another order, is an EventIdConflict; only the identical one is written: false', async () => {
      const id = stream();
      const events = [{ ...reported(), metadata: { requestId: 'r-1' } }, { ...reported(), metadata: { requestId: 'r-1' } }];
      const first = await store.append(id, events, { expectedVersion: 'no_stream' });

      await expect(store.append(id, [{ ...events[0], metadata: { requestId: 'r-2' } }, events[1]], { expectedVersion: 'no_stream' })).rejects.toMatchObject({
        name: 'EventIdConflict',
        eventId: events[0].eventId,
      });
      await expect(store.append(id, [events[1], events[0]], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(EventIdConflict);
      await expect(store.append(id, [events[0]], { expectedVersion: 'no_stream' })).resolves.toMatchObject({ written: false, positions: [first.positions[0]] });
      await expect(store.append(id, events, { expectedVersion: 'no_stream' })).resolves.toEqual({ ...first, written: false });
      expect(await store.streamVersion(id)).toBe(2);
    });

    it('a batch that mixes stored and new event ids is an EventIdConflict and writes nothing', async () => {
      const id = stream();
      const stored = reported();
      await store.append(id, [stored]);
      const fresh = reported();
      await expect(store.append(id, [stored, fresh])).rejects.toBeInstanceOf(EventIdConflict);
      expect(await store.readStream(id)).toHaveLength(1);
    });
  });

  it('rejects malformed appends before touching the database', async () => {
    const id = stream();
    await expect(store.append(id, [])).rejects.toBeInstanceOf(InvalidAppend);
    await expect(store.append(id, [{ ...reported(), eventId: 'not-a-uuid' }])).rejects.toThrow(/eventId must be a UUID/);
    await expect(store.append(id, [{ ...reported(), data: [] as unknown as Record<string, unknown> }])).rejects.toThrow(/data must be a JSON object/);
    await expect(store.append(id, [reported()], { expectedVersion: -1 })).rejects.toBeInstanceOf(InvalidAppend);
    expect(await store.streamVersion(id)).toBe(0);
  });

  it('refuses the same event id twice in one append with InvalidAppend, without a query', async () => {
    const query = jest.fn();
    const client = { query } as unknown as PoolClient;
    const twice = reported();
    await expect(store.append(stream(), [twice, reported(), { ...twice }], { client })).rejects.toMatchObject({
      name: 'InvalidAppend',
      message: expect.stringMatching(/events\[2\]\.eventId .* events\[0\]/),
    });
    // Ids differing only in case are the same uuid.
    await expect(store.append(stream(), [twice, { ...reported(), eventId: twice.eventId.toUpperCase() }], { client })).rejects.toBeInstanceOf(InvalidAppend);
    expect(query).not.toHaveBeenCalled();
  });

  it('reads a range of versions, forwards and backwards', async () => {
    const id = stream();
    await store.append(id, Array.from({ length: 5 }, () => reported()));
    expect((await store.readStream(id, { fromVersion: 2, toVersion: 4 })).map((event) => event.streamVersion)).toEqual([2, 3, 4]);
    expect((await store.readStream(id, { direction: 'backward', limit: 2 })).map((event) => event.streamVersion)).toEqual([5, 4]);
    expect(await store.readStream(`claim-${randomUUID()}`)).toEqual([]);
  });

  it('appends inside the caller transaction: a rollback leaves no trace', async () => {
    const id = stream();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await store.append(id, [reported()], { client, expectedVersion: 'no_stream' });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await store.streamVersion(id)).toBe(0);
  });
});
