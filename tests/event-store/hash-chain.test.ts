import { randomUUID } from 'node:crypto';
import { chainHashOf, contentHashOf, GENESIS_HASH, PgEventStore, type RecordedEvent } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';

/** Recomputes a stream's chain from its content alone, as an auditor's verifier would. */
const recomputeChain = (events: RecordedEvent[]): string[] => {
  let previous: Buffer = GENESIS_HASH;
  return events.map((event) => {
    previous = chainHashOf(previous, event.streamVersion, contentHashOf(event));
    return previous.toString('hex');
  });
};

describe('hash chain per stream', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
  });
  afterAll(() => db.drop());

  const event = (data: Record<string, unknown>) => ({ eventId: randomUUID(), type: 'ReportAdded', data, metadata: { actor: { id: 'key-1' } } });

  it('chains every event to the previous one of its stream, across single and batched appends', async () => {
    const streamId = `claim-${randomUUID()}`;
    await store.append(streamId, [event({ n: 1, nested: { b: 2, a: [1, 'x', null] } })]);
    await store.append(streamId, [event({ n: 2 }), event({ n: 3, unicode: 'Ménaka – “Kalamba”' })]);
    await store.append(streamId, [event({ n: 4, figure: 1500.5 })], { expectedVersion: 3 });

    const events = await store.readStream(streamId);
    expect(events.map((recorded) => recorded.hash)).toEqual(recomputeChain(events));
    expect(new Set(events.map((recorded) => recorded.hash)).size).toBe(4);
  });

  it('the same content in another stream, or at another version, hashes differently', async () => {
    const payload = { statement: 'same words' };
    const first = `claim-${randomUUID()}`;
    const second = `claim-${randomUUID()}`;
    await store.append(first, [{ ...event(payload), eventId: randomUUID() }]);
    await store.append(second, [{ ...event(payload), eventId: randomUUID() }]);
    const [a] = await store.readStream(first);
    const [b] = await store.readStream(second);
    expect(a.hash).not.toBe(b.hash);
  });

  it('concurrent appends to one stream still form one unbroken chain', async () => {
    const streamId = `claim-${randomUUID()}`;
    await Promise.all(Array.from({ length: 12 }, (_, index) => store.append(streamId, [event({ index })])));
    const events = await store.readStream(streamId);
    expect(events).toHaveLength(12);
    expect(events.map((recorded) => recorded.hash)).toEqual(recomputeChain(events));
  });

  it('canonical hashing ignores key order and survives the jsonb round trip', () => {
    const base = { streamId: 's', eventId: randomUUID(), type: 'T', schemaVersion: 1, metadata: {}, recordedAt: new Date('2023-11-03T10:00:00.123Z') };
    expect(contentHashOf({ ...base, data: { a: 1, b: { c: 2, d: 3 } } })).toEqual(contentHashOf({ ...base, data: { b: { d: 3, c: 2 }, a: 1 } }));
    expect(contentHashOf({ ...base, data: { a: 1 } })).not.toEqual(contentHashOf({ ...base, data: { a: 2 } }));
  });
});
