import { sha256 } from './bytes';
import { canonicalJson } from './jcs';

/**
 * The per-stream hash chain of claim-ledger's event store, recomputed from an event's content alone. The
 * server's definition is `libs/event-store/src/event-hash.ts`; this is an independent implementation of it.
 */

/** The "previous hash" of every stream's first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** What an event's hash covers: everything about it but its place in the global log. */
export interface EventContent {
  streamId: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  /** As the export prints it: UTC, with up to microseconds (`2024-03-01T10:00:00.123456Z`). */
  recordedAt: string;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * The time as the hash covers it. The server hashes the JavaScript `Date` it stores, whose
 * `toISOString()` has milliseconds; the export prints the stored timestamp with microseconds, and the
 * server's own import check reads it back with `new Date(text)`, which keeps the first three fraction
 * digits (truncating). The same, without leaning on `Date.parse`'s implementation-defined leniency.
 */
export const hashedRecordedAt = (recordedAt: string): string => {
  const match = TIMESTAMP.exec(recordedAt);
  if (!match) throw new TypeError(`recordedAt "${recordedAt}" is not a UTC timestamp like 2024-03-01T10:00:00.123456Z`);
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const fields = [month, day, hour, minute, second].map(Number);
  const limits = [[1, 12], [1, 31], [0, 23], [0, 59], [0, 59]];
  if (fields.some((value, index) => value < limits[index][0] || value > limits[index][1])) throw new TypeError(`recordedAt "${recordedAt}" is not a valid time`);
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), milliseconds));
  // Date.UTC maps years 0-99 to 1900-1999.
  if (Number(year) < 100) date.setUTCFullYear(Number(year));
  // A day the month does not have (`2024-02-30`) would roll over to another date and still verify: the
  // text would then show a time the hash does not cover. No export prints one.
  if (date.getUTCDate() !== Number(day)) throw new TypeError(`recordedAt "${recordedAt}" names a day its month does not have`);
  return date.toISOString();
};

/**
 * The canonical (RFC 8785) document of an event's content: the object
 * `{data, eventId (lowercase), metadata, recordedAt (milliseconds), schemaVersion, streamId, type}`.
 */
export const canonicalContent = (content: EventContent): string =>
  canonicalJson({
    data: content.data,
    eventId: content.eventId.toLowerCase(),
    metadata: content.metadata,
    recordedAt: hashedRecordedAt(content.recordedAt),
    schemaVersion: content.schemaVersion,
    streamId: content.streamId,
    type: content.type,
  });

/** SHA-256 of the event's canonical content (UTF-8). */
export const contentHash = (content: EventContent): Buffer => sha256(Buffer.from(canonicalContent(content), 'utf8'));

/** The stored hash of the event at `streamVersion`: SHA-256(previous hash || uint64 big-endian version || content hash). */
export const chainHash = (previousHash: Uint8Array, streamVersion: number, ownContentHash: Uint8Array): Buffer => {
  const version = Buffer.alloc(8);
  version.writeBigUInt64BE(BigInt(streamVersion));
  return sha256(previousHash, version, ownContentHash);
};

/** An event as the chain check sees it: its content, its version and the hash the export claims for it. */
export interface ChainedEvent extends EventContent {
  streamVersion: number;
  /** The stored hash (32 bytes). */
  hash: Uint8Array;
}

/** Why a link does not hold; `expected` is the hash the content chains to (absent on a version gap). */
export type ChainBreak =
  | { reason: 'version_gap'; streamId: string; expectedVersion: number; foundVersion: number }
  | { reason: 'hash_mismatch'; streamId: string; version: number; expected: string; found: string };

/**
 * Follows every stream's chain through events given in log order: each stream must start at version 1,
 * run without gaps, and each event's hash must be its content chained to its predecessor's hash.
 * Memory: one entry per stream.
 */
export class StreamChains {
  private readonly heads = new Map<string, { version: number; hash: Buffer }>();

  /** Checks the next event; undefined when its link holds, otherwise why not (the stream is then not advanced). */
  follow(event: ChainedEvent): ChainBreak | undefined {
    const head = this.heads.get(event.streamId) ?? { version: 0, hash: GENESIS_HASH };
    if (event.streamVersion !== head.version + 1) {
      return { reason: 'version_gap', streamId: event.streamId, expectedVersion: head.version + 1, foundVersion: event.streamVersion };
    }
    const expected = chainHash(head.hash, event.streamVersion, contentHash(event));
    if (!expected.equals(event.hash)) {
      return { reason: 'hash_mismatch', streamId: event.streamId, version: event.streamVersion, expected: expected.toString('hex'), found: Buffer.from(event.hash).toString('hex') };
    }
    this.heads.set(event.streamId, { version: event.streamVersion, hash: expected });
    return undefined;
  }

  /** The streams seen so far and the last verified version of each. */
  versions(): Map<string, number> {
    return new Map([...this.heads].map(([streamId, head]) => [streamId, head.version]));
  }

  get streamCount(): number {
    return this.heads.size;
  }
}
