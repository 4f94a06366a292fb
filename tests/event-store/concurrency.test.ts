import { randomUUID } from 'node:crypto';
import { PgEventStore, WrongExpectedVersion } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';

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
