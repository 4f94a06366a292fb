import type { Pool, PoolClient } from 'pg';

/** Anything that runs a query: the pool, or a client inside the caller's transaction. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Who did it and why: stored with every event, never interpreted by the store. */
export interface EventMetadata {
  actor?: { id: string; name?: string };
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  [key: string]: unknown;
}

/** An event to append. `eventId` makes appends idempotent: a retry with the same ids writes nothing. */
export interface NewEvent<Type extends string = string, Data extends object = Record<string, unknown>> {
  eventId: string;
  type: Type;
  data: Data;
  /** Version of the event's payload schema, for upcasting on read. Defaults to 1. */
  schemaVersion?: number;
  metadata?: EventMetadata;
}

/**
 * A place in the global log. The log is ordered by (transactionId, globalPosition), not by the
 * position alone: a reader's cursor must keep both, or it can skip events committed late.
 */
export interface LogPosition {
  /** The writing transaction's id (PostgreSQL xid8), as a decimal string. */
  transactionId: string;
  globalPosition: number;
}

export interface RecordedEvent<Type extends string = string, Data extends object = Record<string, unknown>> {
  globalPosition: number;
  transactionId: string;
  streamId: string;
  /** 1 for a stream's first event, n for its n-th. */
  streamVersion: number;
  eventId: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  /** When the store accepted the event (the application server's clock, millisecond precision). */
  recordedAt: Date;
  /** Hex SHA-256 chaining this event to the previous one of its stream (see event-hash.ts). */
  hash: string;
}

/**
 * What the writer expects the stream to look like before its append:
 * a version (the stream has exactly that many events), `'no_stream'` (the stream has no events),
 * `'stream_exists'` (it has at least one) or `'any'` (no check).
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** The stream's version after the append: pass it as `expectedVersion` to the next append. */
  nextExpectedVersion: number;
  /** Global positions of the appended events, in stream order. */
  positions: number[];
  /** The log position of the last event: a reader or subscription has seen the append once it is past it. */
  lastPosition: LogPosition;
  /** False when every event id was already stored (a retried append): nothing new was written. */
  written: boolean;
  /** When the events were recorded (for a retried append: when the first attempt recorded them). */
  recordedAt: Date;
}

export interface ReadStreamOptions {
  fromVersion?: number;
  toVersion?: number;
  direction?: 'forward' | 'backward';
  limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive. Defaults to the start of the log. */
  after?: LogPosition;
  limit?: number;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where the next read continues: the last event's position, or `after` when nothing was read. */
  next: LogPosition;
}
