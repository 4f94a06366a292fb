import * as crypto from 'node:crypto';
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

/** RFC 8785 canonical JSON (JCS) of a JSON value: keys sorted, numbers and strings in one spelling. */
export const canonicalJson = (value: unknown): string => {
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new Error('value cannot be canonicalised as JSON');
  return canonical;
};

/**
 * The canonical (RFC 8785) document an event's content hash is taken over. The top-level keys are fixed, so
 * it is assembled around the canonical `data` and `metadata` (which the append also sends to the database as
 * their JSON text) instead of canonicalising the whole object again: the same bytes, for a fraction of the work.
 * JCS orders keys by UTF-16 code units: data < eventId < metadata < recordedAt < schemaVersion < streamId < type.
 */
export const canonicalContentOf = (
  content: HashedContent,
  canonicalData = canonicalJson(content.data),
  canonicalMetadata = canonicalJson(content.metadata),
): string => {
  if (!Number.isFinite(content.schemaVersion)) throw new Error('schemaVersion must be a finite number');
  return (
    `{"data":${canonicalData},"eventId":${JSON.stringify(content.eventId.toLowerCase())},"metadata":${canonicalMetadata}` +
    `,"recordedAt":${JSON.stringify(content.recordedAt.toISOString())},"schemaVersion":${String(content.schemaVersion)}` +
    `,"streamId":${JSON.stringify(content.streamId)},"type":${JSON.stringify(content.type)}}`
  );
};

// crypto.hash (Node >= 20.12) skips the Hash object: noticeably cheaper for the small inputs hashed per append.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'buffer') => Buffer }).hash;
const sha256 = (data: string | Buffer): Buffer => (oneShotHash ? oneShotHash('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest());

/**
 * SHA-256 of the event's content in RFC 8785 canonical JSON (JCS): keys sorted, numbers and strings in one
 * spelling, so the same content hashes the same after a round trip through jsonb, an export or an import.
 */
export const contentHashOf = (content: HashedContent, canonicalContent = canonicalContentOf(content)): Buffer => sha256(canonicalContent);

/**
 * The stored hash of the event at `streamVersion`: SHA-256 over the previous event's hash, the version
 * (8 bytes, big-endian) and the content hash. Editing, removing, inserting or reordering an event breaks
 * the chain from there on. The append statement computes the same in SQL (`sha256(prev || int8send(v) || c)`).
 */
export const chainHashOf = (previousHash: Buffer, streamVersion: number, contentHash: Buffer): Buffer => {
  const input = Buffer.allocUnsafe(previousHash.length + 8 + contentHash.length);
  previousHash.copy(input, 0);
  input.writeUInt32BE(Math.floor(streamVersion / 2 ** 32), previousHash.length);
  input.writeUInt32BE(streamVersion >>> 0, previousHash.length + 4);
  contentHash.copy(input, previousHash.length + 8);
  return sha256(input);
};
