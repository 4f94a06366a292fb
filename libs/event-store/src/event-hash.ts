import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The chain's start: the "previous hash" of every stream's first event. */
export const GENESIS_HASH = Buffer.alloc(32);

/** What an event's hash covers: everything about it but its place in the global log. */
export interface HashedContent {
  streamId: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: object;
  metadata: object;
  recordedAt: Date;
}

/**
 * SHA-256 of the event's content in RFC 8785 canonical JSON (JCS): keys sorted, numbers and strings in one
 * spelling, so the same content hashes the same after a round trip through jsonb, an export or an import.
 */
export const contentHashOf = (content: HashedContent): Buffer => {
  const canonical = canonicalize({
    streamId: content.streamId,
    eventId: content.eventId.toLowerCase(),
    type: content.type,
    schemaVersion: content.schemaVersion,
    data: content.data,
    metadata: content.metadata,
    recordedAt: content.recordedAt.toISOString(),
  });
  if (canonical === undefined) throw new Error('event content cannot be canonicalised');
  return createHash('sha256').update(canonical, 'utf8').digest();
};

/**
 * The stored hash of the event at `streamVersion`: SHA-256 over the previous event's hash, the version
 * (8 bytes, big-endian) and the content hash. Editing, removing, inserting or reordering an event breaks
 * the chain from there on. The append statement computes the same in SQL (`sha256(prev || int8send(v) || c)`).
 */
export const chainHashOf = (previousHash: Buffer, streamVersion: number, contentHash: Buffer): Buffer => {
  const version = Buffer.alloc(8);
  version.writeBigInt64BE(BigInt(streamVersion));
  return createHash('sha256').update(previousHash).update(version).update(contentHash).digest();
};
