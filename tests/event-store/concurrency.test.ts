import { randomUUID } from 'node:crypto';
import { PgEventStore, verifyLog, WrongExpectedVersion, type ExpectedVersion } from '@claims/event-store';
import { createTestDatabase, logEnd, type TestDatabase } from '@claims/testing';

describe('concurrent appends to one stream', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const writers = 20;
  const rounds = 50;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: writers });
    store = new PgEventStore({ pool: db.pool });
  });
  afterAll(() => db.drop());

  it(`${writers} writers x ${rounds} rounds with the same expected version: exactly one wins each round`, async () => {
    const streamId = `claim-${randomUUID()}`;
    const winners: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const expectedVersion = round === 0 ? 'no_stream' : round;
      const outcomes = await Promise.allSettled(
        Array.from({ length: writers }, (_, writer) =>
          store.append(streamId, [{ eventId: randomUUID(), type: 'ReportAdded', data: { round, writer } }], { expectedVersion }),
        ),
      );
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(writers - 1);
      for (const error of lost) {
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect((error as WrongExpectedVersion).actualVersion).toBe(round + 1);
      }
      winners.push(JSON.stringify(outcomes.findIndex((outcome) => outcome.status === 'fulfilled')));
    }

    const events = await store.readStream(streamId);
    expect(events.map((event) => event.streamVersion)).toEqual(Array.from({ length: rounds }, (_, index) => index + 1));
    expect(events.map((event) => event.data.round)).toEqual(Array.from({ length: rounds }, (_, index) => index));
  });

  it.each<[ExpectedVersion, number]>([
    ['any', 0],
    ['stream_exists', 1],
  ])(`%s: ${writers} writers x ${rounds} two-event appends to one stream all succeed, at contiguous versions, in one unbroken chain`, async (expectedVersion, existing) => {
    const streamId = `claim-${randomUUID()}`;
    if (existing > 0) await store.append(streamId, [{ eventId: randomUUID(), type: 'ReportAdded', data: { seed: true } }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: writers }, async (_, writer) => {
        for (let round = 0; round < rounds; round++) {
          await store.append(
            streamId,
            [0, 1].map((part) => ({ eventId: randomUUID(), type: 'ReportAdded', data: { writer, round, part } })),
            { expectedVersion },
          );
        }
      }),
    );
    expect(outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []))).toEqual([]);

    const events = await store.readStream(streamId);
    const total = existing + writers * rounds * 2;
    expect(events.map((event) => event.streamVersion)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    // The two events of each append stay next to each other.
    for (const event of events.slice(existing).filter((recorded) => recorded.data.part === 0)) {
      expect(events[event.streamVersion].data).toEqual({ ...event.data, part: 1 });
    }
    const verified = await verifyLog(db.pool, { streamId, upTo: await logEnd(db.pool) });
    expect(verified).toMatchObject({ intact: true, events: total });
  });

  it("concurrent 'any' appends are all kept, each at its own version", async () => {
    const streamId = `claim-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: writers }, (_, writer) => store.append(streamId, [{ eventId: randomUUID(), type: 'ReportAdded', data: { writer } }])),
    );
    const events = await store.readStream(streamId);
    expect(events.map((event) => event.streamVersion)).toEqual(Array.from({ length: writers }, (_, index) => index + 1));
    expect(new Set(events.map((event) => event.data.writer)).size).toBe(writers);
  });
});
