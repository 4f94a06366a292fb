import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalContentOf, chainHashOf, contentHashOf, type HashedContent } from './event-hash';

const jsonObject = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue(), { maxKeys: 6 });
const content: fc.Arbitrary<HashedContent> = fc.record({
  streamId: fc.string({ unit: 'binary', minLength: 1 }),
  eventId: fc.uuid(),
  type: fc.string({ unit: 'binary', minLength: 1 }),
  schemaVersion: fc.integer({ min: 1, max: 1_000_000 }),
  data: jsonObject,
  metadata: jsonObject,
  recordedAt: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
});

describe('event hashes', () => {
  it('assembles the same canonical document as canonicalising the whole content (RFC 8785)', () => {
    fc.assert(
      fc.property(content, (event) => {
        const whole = canonicalize({ ...event, eventId: event.eventId.toLowerCase(), recordedAt: event.recordedAt.toISOString() });
        expect(canonicalContentOf(event)).toBe(whole);
        expect(contentHashOf(event)).toEqual(createHash('sha256').update(whole as string, 'utf8').digest());
      }),
      { numRuns: 500 },
    );
  });

  it('chains sha256(previous || int8 big-endian version || content), the formula the append statement uses in SQL', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (previous, version, own) => {
        const versionBytes = Buffer.alloc(8);
        versionBytes.writeBigInt64BE(BigInt(version));
        const expected = createHash('sha256').update(previous).update(versionBytes).update(own).digest();
        expect(chainHashOf(Buffer.from(previous), version, Buffer.from(own))).toEqual(expected);
      }),
    );
  });
});
