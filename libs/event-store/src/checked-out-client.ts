import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on a client checked out of `pool` and gives the client back however `work` ends.
 *
 * The pool listens for a client's errors only while the client is idle in it. A checked-out `pg` client
 * with no `'error'` listener throws when its backend goes away (a restart, a failover,
 * `pg_terminate_backend`, an idle-in-transaction timeout): an unhandled `'error'` event, and the process
 * exits. Here the client has a listener for as long as `work` holds it; `work` still fails (its next query
 * on the lost connection rejects), the process lives, and a client that lost its connection, or that
 * `work` calls `discard` on, is destroyed (`release(error)`) instead of going back to the pool.
 *
 * Every `pool.connect()` of the libraries goes through here (or through {@link withTransaction}).
 */
export const withClient = async <T>(pool: Pool, work: (client: PoolClient, discard: (reason: Error) => void) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    return await work(client, onError);
  } finally {
    // Synchronous from here to release: the pool's own idle listener takes over with no gap.
    client.removeListener('error', onError);
    client.release(broken);
  }
};

export interface TransactionOptions {
  /** The statement(s) that open the transaction. Default `BEGIN`. */
  begin?: string;
}

/**
 * Runs `work` in one transaction on its own connection (see {@link withClient}): committed when it
 * resolves, rolled back when it throws (the error propagates unchanged). A connection that cannot even roll
 * back is destroyed, so no half-open transaction goes back to the pool.
 */
export const withTransaction = <T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> =>
  withClient(pool, async (client, discard) => {
    try {
      await client.query(options.begin ?? 'BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => discard(rollbackError));
      throw error;
    }
  });
