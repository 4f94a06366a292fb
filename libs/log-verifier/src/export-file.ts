import { decodeBase64, decodeHex } from './bytes';
import { VerificationFailed } from './errors';
import { hashedRecordedAt } from './event-chain';

/**
 * Reads claim-ledger's NDJSON export (format version 1, `libs/event-store/src/import-export.ts`), with the
 * transparency-log fields: line 1 the header (optionally naming the checkpoint its proofs are against, and a
 * consistency proof), then one line per event in log order (optionally with its leaf index and inclusion
 * proof), then the trailer `{"kind":"claim-ledger.export.end","events":N,"streams":M}`. This module checks
 * the shape of each line only; what the lines prove is checked in `verify.ts`.
 */

export const EXPORT_KIND = 'claim-ledger.export';
export const EXPORT_END_KIND = 'claim-ledger.export.end';
export const EXPORT_FORMAT_VERSION = 1;

/** The checkpoint an export's inclusion proofs are against. */
export interface ExportCheckpoint {
  id?: unknown;
  origin?: string;
  treeSize: number;
  rootHash: Buffer;
  /** The signed note, when the export carries it. */
  note?: string;
}

/** A consistency proof from an earlier tree size to the checkpoint's. */
export interface ConsistencyProof {
  from: number;
  to: number;
  proof: Buffer[];
}

export interface ExportHeader {
  upTo: string;
  /** The streams exported, or null for the whole log. */
  streams: string[] | null;
  excludedStreams: string[];
  checkpoint?: ExportCheckpoint;
  consistency?: ConsistencyProof;
}

/** A log position `<transaction id>-<global position>`: the log orders by transaction id, then by global position. */
export interface LogPosition {
  text: string;
  transactionId: bigint;
  globalPosition: bigint;
}

export interface ExportedEvent {
  /** 1-based line number in the file, for messages. */
  line: number;
  position: LogPosition;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  hash: Buffer;
  data: unknown;
  metadata: unknown;
  leafIndex?: number;
  inclusionProof?: Buffer[];
}

export type ExportRecord =
  | { kind: 'header'; line: number; header: ExportHeader }
  | { kind: 'event'; event: ExportedEvent }
  | { kind: 'trailer'; line: number; events: number; streams: number };

const refuse = (line: number, message: string): never => {
  throw new VerificationFailed('export', `export line ${line}: ${message}`);
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isSize = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

const POSITION = /^(\d{1,20})-(\d{1,16})$/;

/** Compares two log positions in log order. */
export const compareLogPositions = (a: LogPosition, b: LogPosition): number =>
  a.transactionId !== b.transactionId ? (a.transactionId < b.transactionId ? -1 : 1) : a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0;

export const parseLogPosition = (text: string): LogPosition | undefined => {
  const match = POSITION.exec(text);
  return match ? { text, transactionId: BigInt(match[1]), globalPosition: BigInt(match[2]) } : undefined;
};

/** A list of base64 32-byte hashes. */
export const parseHashList = (value: unknown, what: string, where: (message: string) => never): Buffer[] => {
  if (!Array.isArray(value)) return where(`${what} is not a list`);
  return value.map((item, index) => {
    const hash = typeof item === 'string' ? decodeBase64(item) : undefined;
    if (!hash || hash.length !== 32) return where(`${what}[${index}] is not base64 of 32 bytes`);
    return hash;
  });
};

/** Reads a consistency proof object `{from, to, proof: [base64...]}` (the server's consistency proof answer). */
export const parseConsistencyProof = (value: unknown, where: (message: string) => never): ConsistencyProof => {
  if (!isObject(value)) return where('the consistency proof is not an object {from, to, proof}');
  if (!isSize(value.from) || !isSize(value.to)) return where('the consistency proof\'s "from" and "to" are not tree sizes');
  return { from: value.from, to: value.to, proof: parseHashList(value.proof, 'the consistency proof', where) };
};

const parseHeader = (value: Record<string, unknown>, line: number): ExportHeader => {
  const where = (message: string) => refuse(line, `header: ${message}`);
  if (value.kind !== EXPORT_KIND || value.formatVersion !== EXPORT_FORMAT_VERSION) where(`not a ${EXPORT_KIND} version ${EXPORT_FORMAT_VERSION} file`);
  if (typeof value.upTo !== 'string' || !parseLogPosition(value.upTo)) where('"upTo" is not a log position');
  if (value.streams !== null && !isStringList(value.streams)) where('"streams" is neither null nor a list of stream ids');
  if (value.excludedStreams !== undefined && !isStringList(value.excludedStreams)) where('"excludedStreams" is not a list of stream ids');
  const header: ExportHeader = {
    upTo: value.upTo as string,
    streams: value.streams as string[] | null,
    excludedStreams: (value.excludedStreams as string[] | undefined) ?? [],
  };
  if (value.checkpoint !== undefined) {
    const checkpoint = value.checkpoint;
    if (!isObject(checkpoint)) return where('"checkpoint" is not an object');
    if (!isSize(checkpoint.treeSize)) where('"checkpoint.treeSize" is not a tree size');
    const rootHash = typeof checkpoint.rootHash === 'string' ? decodeBase64(checkpoint.rootHash) : undefined;
    if (!rootHash || rootHash.length !== 32) return where('"checkpoint.rootHash" is not base64 of 32 bytes');
    // null: the server had no signing key; the proofs can still be checked against a checkpoint file.
    if (checkpoint.note !== undefined && checkpoint.note !== null && typeof checkpoint.note !== 'string') where('"checkpoint.note" is not a string');
    if (checkpoint.origin !== undefined && typeof checkpoint.origin !== 'string') where('"checkpoint.origin" is not a string');
    header.checkpoint = {
      id: checkpoint.id,
      origin: checkpoint.origin as string | undefined,
      treeSize: checkpoint.treeSize as number,
      rootHash,
      note: typeof checkpoint.note === 'string' ? checkpoint.note : undefined,
    };
  }
  if (value.consistency !== undefined) header.consistency = parseConsistencyProof(value.consistency, (message) => where(`"consistency": ${message}`));
  return header;
};

const parseEvent = (value: Record<string, unknown>, line: number): ExportedEvent => {
  const where = (message: string) => refuse(line, message);
  const position = typeof value.position === 'string' ? parseLogPosition(value.position) : undefined;
  if (!position) return where('"position" is not a log position');
  if (typeof value.streamId !== 'string' || value.streamId.length === 0) where('"streamId" is not a stream id');
  if (!Number.isSafeInteger(value.streamVersion) || (value.streamVersion as number) < 1) where('"streamVersion" is not a positive integer');
  if (typeof value.eventId !== 'string') where('"eventId" is not a string');
  if (typeof value.type !== 'string') where('"type" is not a string');
  if (!Number.isSafeInteger(value.schemaVersion)) where('"schemaVersion" is not an integer');
  if (typeof value.recordedAt !== 'string') where('"recordedAt" is not a string');
  try {
    hashedRecordedAt(value.recordedAt as string);
  } catch (error) {
    // A time the hash cannot be computed over is the file's fault, not the verifier's.
    where((error as Error).message);
  }
  const hash = typeof value.hash === 'string' ? decodeHex(value.hash, 32) : undefined;
  if (!hash) return where('"hash" is not 64 lowercase hex digits');
  if (!isObject(value.data)) where('"data" is not an object');
  if (!isObject(value.metadata)) where('"metadata" is not an object');
  const event: ExportedEvent = {
    line,
    position,
    streamId: value.streamId as string,
    streamVersion: value.streamVersion as number,
    eventId: value.eventId as string,
    type: value.type as string,
    schemaVersion: value.schemaVersion as number,
    recordedAt: value.recordedAt as string,
    hash,
    data: value.data,
    metadata: value.metadata,
  };
  if (value.leafIndex !== undefined || value.inclusionProof !== undefined) {
    if (!isSize(value.leafIndex)) where('"leafIndex" is not a non-negative integer');
    event.leafIndex = value.leafIndex as number;
    event.inclusionProof = parseHashList(value.inclusionProof, '"inclusionProof"', where);
  }
  return event;
};

/**
 * The first key that appears twice in one object of a valid JSON text, if any. `JSON.parse` keeps the last
 * value silently and the hash covers only that one, while another reader (or a person) may take the first:
 * RFC 8785 hashes I-JSON, which has no duplicate keys. Keys compare decoded (`"a"` and `"\u0061"` are one).
 */
export const duplicateKey = (text: string): string | undefined => {
  // One entry per open object (its keys so far) or array (null).
  const open: Array<Set<string> | null> = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open.at(-1);
      if (expectingKey && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectingKey = false;
      }
      i = end;
    } else if (char === '{') {
      open.push(new Set());
      expectingKey = true;
    } else if (char === '[') {
      open.push(null);
      expectingKey = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      expectingKey = false;
    } else if (char === ',') {
      expectingKey = open.at(-1) instanceof Set;
    }
  }
  return undefined;
};

/**
 * Yields the export's header, events and trailer, refusing a line that is not what its place in the file
 * requires: the header first, the trailer last and present (so a truncated file is refused).
 */
export async function* readExport(lines: AsyncIterable<string>): AsyncGenerator<ExportRecord> {
  let lineNumber = 0;
  let headerSeen = false;
  let trailerSeen = false;
  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === '') continue;
    if (trailerSeen) refuse(lineNumber, 'content after the end marker');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      refuse(lineNumber, 'not JSON');
    }
    if (!isObject(value)) return refuse(lineNumber, 'not a JSON object');
    const duplicate = duplicateKey(text);
    if (duplicate !== undefined) refuse(lineNumber, `the key ${JSON.stringify(duplicate)} appears twice in one object: readers disagree on which value it holds`);
    if (!headerSeen) {
      headerSeen = true;
      yield { kind: 'header', line: lineNumber, header: parseHeader(value, lineNumber) };
      continue;
    }
    if (value.kind === EXPORT_END_KIND) {
      if (!isSize(value.events) || !isSize(value.streams)) refuse(lineNumber, 'the end marker does not count events and streams');
      trailerSeen = true;
      yield { kind: 'trailer', line: lineNumber, events: value.events as number, streams: value.streams as number };
      continue;
    }
    if (value.kind !== undefined) refuse(lineNumber, `unexpected line of kind ${JSON.stringify(value.kind)}`);
    yield { kind: 'event', event: parseEvent(value, lineNumber) };
  }
  if (!headerSeen) throw new VerificationFailed('export', 'the export is empty');
  if (!trailerSeen) throw new VerificationFailed('export', 'the export has no end marker: the file is incomplete');
}
