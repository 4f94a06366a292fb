import type { LogPosition } from './event-store.types';

/** Before the first event of the log. */
export const LOG_START: LogPosition = Object.freeze({ transactionId: '0', globalPosition: 0 });

/** Orders two log positions as the global log does: by transaction id, then by global position. */
export const compareLogPositions = (a: LogPosition, b: LogPosition): number => {
  const byTransaction = compareDecimal(a.transactionId, b.transactionId);
  return byTransaction !== 0 ? byTransaction : a.globalPosition - b.globalPosition;
};

/** `"<transactionId>-<globalPosition>"`: an opaque cursor for HTTP clients (e.g. an SSE event id). */
export const formatLogPosition = (position: LogPosition): string =>
  `${position.transactionId}-${position.globalPosition}`;

const CURSOR = /^(\d{1,20})-(\d{1,16})$/;
/** The largest transaction id PostgreSQL's xid8 holds (it clamps a larger literal instead of refusing it). */
const MAX_TRANSACTION_ID = 2n ** 64n - 1n;

/** Parses a cursor made by `formatLogPosition`; undefined when it is not one or lies outside the log's key space. */
export const parseLogPosition = (cursor: string): LogPosition | undefined => {
  const match = CURSOR.exec(cursor);
  if (!match) return undefined;
  const globalPosition = Number(match[2]);
  if (!Number.isSafeInteger(globalPosition)) return undefined;
  const transactionId = BigInt(match[1]);
  if (transactionId > MAX_TRANSACTION_ID) return undefined;
  return { transactionId: transactionId.toString(), globalPosition };
};

// xid8 values exceed 2^53 in theory, so they stay decimal strings and compare as big integers.
const compareDecimal = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
