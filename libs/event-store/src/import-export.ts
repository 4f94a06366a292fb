import { StringDecoder } from 'node:string_decoder';
import type { Pool } from 'pg';
import { chainHashOf, contentHashOf, GENESIS_HASH } from './event-hash';
import type { LogPosition } from './event-store.types';
import { compareLogPositions, formatLogPosition, parseLogPosition } from './log-position';
import type { Queryable } from './event-store.types';
import { readableHead } from './log-reader';
import { verifyLog, type VerifyLogResult } from './verify-log';

/**
 * NDJSON export format, version 1. Line 1 is the header, then one line per event in log order, then the
 * trailer (so a truncated file is refused):
 *
 *   {"kind":"claim-ledger.export","formatVersion":1,"upTo":"812-40","streams":null}
 *   {"position":"801-3","streamId":"claim-…","streamVersion":1,"eventId":"…","type":"ClaimAsserted","schemaVersion":1,
 *    "recordedAt":"2024-03-01T10:00:00.000000Z","hash":"<hex>","data":{…},"metadata":{…}}
 *   {"kind":"claim-ledger.export.end","events":1234,"streams":56}
 *
 * `data` and `metadata` are the stored jsonb as PostgreSQL prints it and `recordedAt` keeps microseconds,
 * so an import stores exactly what was exported and every hash verifies again.
 */
export const EXPORT_FORMAT = 'claim-ledger.export';
export const EXPORT_END = 'claim-ledger.export.end';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportHeader {
  kind: typeof EXPORT_FORMAT;
  formatVersion: number;
  upTo: string;
  /** The streams exported, or null for the whole log. */
  streams: string[] | null;
  /** Streams left out (`excludeStreamIds`); absent when none were. */
  excludedStreams?: string[];
}

export interface ExportedEvent {
  position: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  hash: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ExportOptions {
  /** Only these streams (whole streams); the whole log when omitted. */
  streamIds?: readonly string[];
  /**
   * Streams left out whole, even when `streamIds` names them: for events that must not leave the system.
   * Per-stream hash chains keep the rest verifiable; the header lists what was left out.
   */
  excludeStreamIds?: readonly string[];
  /** Export up to this position (default: the readable head when the export starts). */
  upTo?: LogPosition;
  batchSize?: number;
  onProgress?: (events: number) => void;
}

interface ExportRow {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  stream_version: string;
  line: string;
}

// The line is assembled by PostgreSQL: jsonb printed as stored, timestamps with microseconds, hashes in hex.
const LINE_SQL = `json_build_object(
    'position', transaction_id::text || '-' || global_position,
    'streamId', stream_id, 'streamVersion', stream_version, 'eventId', event_id, 'type', event_type,
    'schemaVersion', schema_version,
    'recordedAt', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'hash', encode(hash, 'hex'), 'data', data, 'metadata', metadata)::text AS line`;

/** Yields the export's NDJSON lines (without newlines), reading the log in batches in log order. */
export async function* exportLog(db: Queryable, options: ExportOptions = {}): AsyncGenerator<string> {
  const upTo = options.upTo ?? (await readableHead(db));
  const batchSize = options.batchSize ?? 5000;
  const excluded = options.excludeStreamIds?.length ? [...new Set(options.excludeStreamIds)].sort() : null;
  const streamIds = options.streamIds ? [...new Set(options.streamIds)].filter((id) => !excluded?.includes(id)).sort() : null;
  const header: ExportHeader = {
    kind: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    upTo: formatLogPosition(upTo),
    streams: streamIds,
    ...(excluded ? { excludedStreams: excluded } : {}),
  };
  yield JSON.stringify(header);
  let after = { transactionId: '0', globalPosition: 0 };
  let events = 0;
  const streams = new Set<string>();
  let streamCount = 0;
  for (;;) {
    const { rows } = await db.query<ExportRow>(
      `SELECT transaction_id::text AS transaction_id, global_position, stream_id, stream_version, ${LINE_SQL} FROM events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
          AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)
          ${streamIds ? 'AND stream_id = ANY($6::text[])' : ''}
          ${excluded ? `AND stream_id <> ALL($${streamIds ? 7 : 6}::text[])` : ''}
        ORDER BY events.transaction_id, events.global_position LIMIT $5`,
      [after.transactionId, after.globalPosition, upTo.transactionId, upTo.globalPosition, batchSize, ...(streamIds ? [streamIds] : []), ...(excluded ? [excluded] : [])],
    );
    for (const row of rows) {
      events += 1;
      // Counting streams by their first event keeps memory flat: a stream's version 1 comes first.
      if (streamIds) streams.add(row.stream_id);
      else if (row.stream_version === '1') streamCount += 1;
      yield row.line;
    }
    options.onProgress?.(rows.length);
    if (rows.length < batchSize) break;
    const last = rows[rows.length - 1];
    after = { transactionId: last.transaction_id, globalPosition: Number(last.global_position) };
  }
  yield JSON.stringify({ kind: EXPORT_END, events, streams: streamIds ? streams.size : streamCount });
}

/** An import that was refused: nothing was written. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ImportRefused';
  }
}

export interface ImportResult {
  events: number;
  streams: number;
  upTo: string;
  /** The store's own verification after the import. */
  verification: VerifyLogResult;
}

/** An imported event's payload, as the application's schemas read it. */
export interface ImportedPayload {
  streamId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (phase: 'check' | 'write', events: number) => void;
  /**
   * Checks each event's payload against the application's event schemas during the check pass: a reason
   * refuses the import before anything is written. Hashes prove a file was not altered since it was
   * exported, not that its events are ones this application can read; the log is append-only, so a bad
   * one could never be taken out again.
   */
  checkPayload?: (event: ImportedPayload) => string | undefined;
}

const parseEventLine = (line: string, lineNumber: number): ExportedEvent & { at: LogPosition } => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ImportRefused('not JSON', lineNumber);
  }
  const event = value as ExportedEvent;
  const at = typeof event?.position === 'string' ? parseLogPosition(event.position) : undefined;
  const valid =
    at !== undefined &&
    typeof event.streamId === 'string' && event.streamId.length > 0 &&
    Number.isSafeInteger(event.streamVersion) && event.streamVersion > 0 &&
    typeof event.eventId === 'string' &&
    typeof event.type === 'string' &&
    Number.isInteger(event.schemaVersion) &&
    typeof event.recordedAt === 'string' && !Number.isNaN(Date.parse(event.recordedAt)) &&
    typeof event.hash === 'string' && /^[0-9a-f]{64}$/.test(event.hash) &&
    event.data !== null && typeof event.data === 'object' &&
    event.metadata !== null && typeof event.metadata === 'object';
  if (!valid) throw new ImportRefused('not an exported event', lineNumber);
  return { ...event, at };
};

/**
 * Reads an export completely and checks it before anything is written: header, log order, versions 1..n
 * per stream, every hash link, each payload (with `checkPayload`), and the trailer's count. Memory: one
 * entry per stream.
 */
const checkExport = async (
  lines: AsyncIterable<string>,
  onProgress?: (events: number) => void,
  checkPayload?: ImportOptions['checkPayload'],
): Promise<{ header: ExportHeader; events: number; streams: number }> => {
  const heads = new Map<string, { version: number; hash: Buffer }>();
  let header: ExportHeader | undefined;
  let previous: LogPosition | undefined;
  let events = 0;
  let trailer: { events?: number } | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    if (trailer) throw new ImportRefused('content after the end marker', lineNumber);
    if (!header) {
      let parsed: ExportHeader | undefined;
      try {
        parsed = JSON.parse(line) as ExportHeader;
      } catch {
        throw new ImportRefused('not JSON', lineNumber);
      }
      if (parsed?.kind !== EXPORT_FORMAT || parsed.formatVersion !== EXPORT_FORMAT_VERSION) throw new ImportRefused(`not a ${EXPORT_FORMAT} v${EXPORT_FORMAT_VERSION} file`, lineNumber);
      header = parsed;
      continue;
    }
    if (line.startsWith(`{"kind":"${EXPORT_END}"`)) {
      trailer = JSON.parse(line) as { events?: number };
      continue;
    }
    const event = parseEventLine(line, lineNumber);
    if (previous && compareLogPositions(event.at, previous) <= 0) throw new ImportRefused('events are not in log order', lineNumber);
    previous = event.at;
    const head = heads.get(event.streamId) ?? { version: 0, hash: GENESIS_HASH };
    if (event.streamVersion !== head.version + 1) {
      throw new ImportRefused(`stream ${event.streamId}: expected version ${head.version + 1}, found ${event.streamVersion}`, lineNumber);
    }
    const expected = chainHashOf(head.hash, event.streamVersion, contentHashOf({ ...event, recordedAt: new Date(event.recordedAt) }));
    if (expected.toString('hex') !== event.hash) {
      throw new ImportRefused(`stream ${event.streamId} version ${event.streamVersion}: hash does not verify (expected ${expected.toString('hex')}, found ${event.hash})`, lineNumber);
    }
    const problem = checkPayload?.({ streamId: event.streamId, type: event.type, schemaVersion: event.schemaVersion, data: event.data });
    if (problem !== undefined) throw new ImportRefused(`stream ${event.streamId} version ${event.streamVersion} (${event.type}): ${problem}`, lineNumber);
    heads.set(event.streamId, { version: event.streamVersion, hash: expected });
    events += 1;
    if (events % 10_000 === 0) onProgress?.(10_000);
  }
  onProgress?.(events % 10_000);
  if (!header) throw new ImportRefused('empty file');
  if (!trailer) throw new ImportRefused('the end marker is missing: the export is incomplete');
  if (trailer.events !== events) throw new ImportRefused(`the end marker counts ${trailer.events} events, the file has ${events}`);
  return { header, events, streams: heads.size };
};

const INSERT_SQL = `INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
  OVERRIDING SYSTEM VALUE
  SELECT p, s, v, e, t, sv, d, m, r, decode(h, 'hex')
    FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[], $9::timestamptz[], $10::text[])
      AS x(p, s, v, e, t, sv, d, m, r, h)`;

/**
 * Imports an export into an empty store, keeping every stored column as exported (global positions,
 * versions, `recorded_at`, metadata and hashes): the hashes verify again and a rebuild reproduces the source
 * system's projection rows. `open` is called twice: the whole file is checked first, and an export whose
 * chain does not verify is refused before anything is written. Events are written in log order, one
 * transaction per batch, a batch never holding positions out of order, so the log's order is the same.
 */
export const importLog = async (pool: Pool, open: () => AsyncIterable<string>, options: ImportOptions = {}): Promise<ImportResult> => {
  const { rows: existing } = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM events) AS any');
  if (existing[0].any) throw new ImportRefused('the store is not empty: import only into an empty store');
  const checked = await checkExport(open(), (n) => options.onProgress?.('check', n), options.checkPayload);

  const batchSize = options.batchSize ?? 2000;
  let batch: ExportedEvent[] = [];
  let lastPosition = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await pool.query(INSERT_SQL, [
      rows.map((event) => parseLogPosition(event.position)?.globalPosition),
      rows.map((event) => event.streamId),
      rows.map((event) => event.streamVersion),
      rows.map((event) => event.eventId),
      rows.map((event) => event.type),
      rows.map((event) => event.schemaVersion),
      rows.map((event) => JSON.stringify(event.data)),
      rows.map((event) => JSON.stringify(event.metadata)),
      rows.map((event) => event.recordedAt),
      rows.map((event) => event.hash),
    ]);
    options.onProgress?.('write', rows.length);
  };
  let header = true;
  for await (const line of open()) {
    if (line.trim() === '') continue;
    if (header) {
      header = false;
      continue;
    }
    if (line.startsWith(`{"kind":"${EXPORT_END}"`)) break;
    const event = JSON.parse(line) as ExportedEvent;
    const position = parseLogPosition(event.position)?.globalPosition ?? 0;
    // Each batch commits in its own (later) transaction; within one, the log orders by global position.
    if (batch.length >= batchSize || position < lastPosition) await flush();
    lastPosition = position;
    batch.push(event);
  }
  await flush();
  await pool.query("SELECT setval(pg_get_serial_sequence('events', 'global_position'), (SELECT max(global_position) FROM events))");
  const verification = await verifyLog(pool);
  return { events: checked.events, streams: checked.streams, upTo: checked.header.upTo, verification };
};

/** Splits a byte stream into lines (for files and stdin). */
export async function* readLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let index = rest.indexOf('\n');
    while (index >= 0) {
      yield rest.slice(0, index);
      rest = rest.slice(index + 1);
      index = rest.indexOf('\n');
    }
  }
  rest += decoder.end();
  if (rest.length > 0) yield rest;
}
