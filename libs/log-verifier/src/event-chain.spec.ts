import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { chainHashOf, contentHashOf, GENESIS_HASH as SERVER_GENESIS } from '../../event-store/src/event-hash';
import { chainHash, contentHash, GENESIS_HASH, hashedRecordedAt, StreamChains, type ChainedEvent } from './event-chain';

/** The export prints `recorded_at` with microseconds; the stored Date (and its hash) has milliseconds. */
const exported = (date: Date) => date.toISOString().replace(/Z$/, '000Z');

const jsonObject = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue(), { maxKeys: 6 });
const content = fc.record({
  streamId: fc.string({ unit: 'binary', minLength: 1 }),
  eventId: fc.uuid(),
  type: fc.string({ unit: 'binary', minLength: 1 }),
  schemaVersion: fc.integer({ min: 1, max: 1_000_000 }),
  data: jsonObject,
  metadata: jsonObject,
  recordedAt: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
});

describe('the event hash chain, recomputed independently of the server', () => {
  it("gives the server's content hash (contentHashOf) for the content as the export prints it", () => {
    fc.assert(
      fc.property(content, (event) => {
        // JSON round trip: the verifier sees the values JSON.parse gives, as the server's import check does.
        const parsed = JSON.parse(JSON.stringify({ ...event, recordedAt: exported(event.recordedAt) })) as typeof event & { recordedAt: string };
        const server = contentHashOf({ ...parsed, eventId: event.eventId.toUpperCase(), recordedAt: new Date(parsed.recordedAt) });
        expect(contentHash({ ...parsed, eventId: event.eventId.toUpperCase() })).toEqual(server);
      }),
      { numRuns: 500 },
    );
  });

  it("chains like the server's chainHashOf, from the same genesis", () => {
    expect(GENESIS_HASH).toEqual(SERVER_GENESIS);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (previous, version, own) => {
        expect(chainHash(previous, version, own)).toEqual(chainHashOf(Buffer.from(previous), version, Buffer.from(own)));
      }),
    );
  });

  it('reads the exported time as the server does: milliseconds, the rest of the fraction dropped', () => {
    for (const text of ['2024-03-01T10:00:00.123456Z', '2024-03-01T10:00:00.999999Z', '1969-12-31T23:59:59.999500Z', '2024-03-01T10:00:00Z', '2024-02-29T10:00:00.5Z']) {
      expect(hashedRecordedAt(text)).toBe(new Date(text).toISOString());
    }
    expect(() => hashedRecordedAt('2024-03-01 10:00:00Z')).toThrow(TypeError);
    expect(() => hashedRecordedAt('2024-13-01T10:00:00.000000Z')).toThrow(TypeError);
    // would roll over to 2024-03-01 / 2023-03-01 and verify while showing another date
    expect(() => hashedRecordedAt('2024-02-30T10:00:00.5Z')).toThrow(/day its month does not have/);
    expect(() => hashedRecordedAt('2023-02-29T10:00:00Z')).toThrow(/day its month does not have/);
    expect(() => hashedRecordedAt('2024-04-31T10:00:00Z')).toThrow(/day its month does not have/);
  });

  it('follows streams in log order and names a version gap or an edited event', () => {
    const server = (streamId: string, count: number) => {
      let previous: Buffer = SERVER_GENESIS;
      return Array.from({ length: count }, (_, index): ChainedEvent => {
        const event = { streamId, eventId: randomUUID(), type: 'ReportAdded', schemaVersion: 1, data: { n: index, note: 'Ménaka – “quoted”' }, metadata: { actor: { id: 'a' } }, recordedAt: new Date(Date.UTC(2024, 2, 1, 10, 0, index, 250)) };
        previous = chainHashOf(previous, index + 1, contentHashOf(event));
        return { ...event, recordedAt: exported(event.recordedAt), streamVersion: index + 1, hash: previous };
      });
    };
    const a = server('claim-a', 3);
    const b = server('source-b', 2);
    const chains = new StreamChains();
    for (const event of [a[0], b[0], a[1], b[1], a[2]]) expect(chains.follow(event)).toBeUndefined();
    expect(chains.versions()).toEqual(new Map([['claim-a', 3], ['source-b', 2]]));

    const gap = new StreamChains();
    expect(gap.follow(a[0])).toBeUndefined();
    expect(gap.follow(a[2])).toEqual({ reason: 'version_gap', streamId: 'claim-a', expectedVersion: 2, foundVersion: 3 });
    expect(new StreamChains().follow(b[1])).toEqual({ reason: 'version_gap', streamId: 'source-b', expectedVersion: 1, foundVersion: 2 });

    const edited = new StreamChains();
    expect(edited.follow(a[0])).toBeUndefined();
    const broken = edited.follow({ ...a[1], data: { n: 1, note: 'edited' } });
    expect(broken).toMatchObject({ reason: 'hash_mismatch', streamId: 'claim-a', version: 2, found: Buffer.from(a[1].hash).toString('hex') });
    // Swapping two events' content (keeping versions and hashes) breaks the chain too.
    expect(new StreamChains().follow({ ...a[1], streamVersion: 1, hash: a[0].hash })).toMatchObject({ reason: 'hash_mismatch', version: 1 });
  });
});
