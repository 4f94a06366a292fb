/**
 * How a database error should reach a client. A lost connection or a server that is restarting is no fault
 * of the request: the client should retry (503). A serialization failure or a deadlock is a collision with
 * another request that PostgreSQL resolved by aborting this one: retrying is correct too, as a conflict (409).
 * Anything else is a fault of ours and stays a 500.
 */
export type DatabaseFailure = 'unavailable' | 'conflict';

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: admin/crash shutdown, cannot connect
// now), and 53300 (too many connections).
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-4]$|53300$)/;
const CONFLICT_SQLSTATE = new Set(['40001', '40P01']);
// Node-level failures of the socket or of the pool, before PostgreSQL could answer.
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /^Client has encountered a connection error/, /Cannot use a pool after calling end/];

export const databaseFailureOf = (error: unknown): DatabaseFailure | undefined => {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONFLICT_SQLSTATE.has(code)) return 'conflict';
    if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code)) return 'unavailable';
  }
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return 'unavailable';
  return undefined;
};
