import { InvalidAppend } from './event-store.errors';
import type { ExpectedVersion, Queryable } from './event-store.types';

/** How the general append names an expectation: its kind, and the version for `'exact'`. */
export type Expectation = readonly [kind: 'any' | 'no_stream' | 'stream_exists' | 'exact', version: number | null];

/** Checks an `expectedVersion` before any query (0 is `'no_stream'`). */
export const toExpectation = (expected: ExpectedVersion): Expectation => {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) throw new InvalidAppend(`expectedVersion must be a version >= 0, got ${expected}`);
    return expected === 0 ? ['no_stream', null] : ['exact', expected];
  }
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return [expected, null];
  throw new InvalidAppend(`unknown expectedVersion ${String(expected)}`);
};

/** What one call of the general append did. Only `'written'` wrote anything. */
export type StreamAppendOutcome =
  | { outcome: 'written'; headVersion: number; positions: number[]; transactionId: string }
  /** The stream is not as expected; `headVersion` is its version. */
  | { outcome: 'wrong_version'; headVersion: number }
  /** An event id of the batch is stored already: a retry, or a clash (see `findStoredAppend`). */
  | { outcome: 'stored' };

interface AppendRow {
  outcome: 'written' | 'wrong_version' | 'stored';
  head_version: string | null;
  positions: string[] | null;
  last_transaction_id: string | null;
}

/**
 * The general append: any number of events, any expectation, in one round trip, deciding the next version
 * on the server under the stream's lock (the SQL function `event_store_append`, see its migration), so an
 * append that expects nothing about the version never fails because others wrote. None of its outcomes
 * aborts the caller's transaction.
 */
export const appendToStream = async (db: Queryable, streamId: string, payload: string, [kind, version]: Expectation): Promise<StreamAppendOutcome> => {
  const { rows } = await db.query<AppendRow>({
    name: 'event_store_append',
    text: 'SELECT outcome, head_version, positions, last_transaction_id FROM event_store_append($1, $2::jsonb, $3, $4)',
    values: [streamId, payload, kind, version],
  });
  const row = rows[0];
  if (row.outcome === 'stored') return { outcome: 'stored' };
  if (row.outcome === 'wrong_version') return { outcome: 'wrong_version', headVersion: Number(row.head_version) };
  return { outcome: 'written', headVersion: Number(row.head_version), positions: (row.positions ?? []).map(Number), transactionId: row.last_transaction_id ?? '0' };
};
