import type { LogPosition, Queryable } from './event-store.types';
import { LOG_WATERMARK_SQL } from './log-watermark';
import { SubscriptionCheckpointMissing } from './subscription';

/**
 * The rows of `subscription_checkpoints`: how far each named reader of the log (a subscription, the feed
 * relay's events lane) has got, and its last failure. Readers keep their checkpoint through these
 * functions rather than their own SQL, so the table stays the store's.
 */

/** The stored position of `name`, creating its row at `initial` when there is none yet. */
export const loadSubscriptionCheckpoint = async (db: Queryable, name: string, initial: LogPosition): Promise<LogPosition> => {
  await db.query(
    `INSERT INTO subscription_checkpoints (name, transaction_id, global_position) VALUES ($1, $2::text::xid8, $3)
     ON CONFLICT (name) DO NOTHING`,
    [name, initial.transactionId, initial.globalPosition],
  );
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    'SELECT transaction_id::text AS transaction_id, global_position FROM subscription_checkpoints WHERE name = $1',
    [name],
  );
  if (!rows[0]) throw new SubscriptionCheckpointMissing(name, initial);
  return { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
};

/**
 * Moves `name`'s checkpoint to `position` and clears its failure. Throws `SubscriptionCheckpointMissing`
 * when the row is gone (deleted by hand, or an operator's reset), rather than report a save that stored nothing.
 */
export const saveSubscriptionCheckpoint = async (db: Queryable, name: string, position: LogPosition): Promise<void> => {
  const { rowCount } = await db.query(
    `UPDATE subscription_checkpoints SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now(), last_error = NULL, failed_attempts = 0
      WHERE name = $1`,
    [name, position.transactionId, position.globalPosition],
  );
  if (rowCount === 0) throw new SubscriptionCheckpointMissing(name, position);
};

/** Records a reader's failure (its message and how many attempts in a row failed) for status reports. */
export const recordSubscriptionFailure = async (db: Queryable, name: string, failure: { error: string | undefined; failedAttempts: number }): Promise<void> => {
  await db.query('UPDATE subscription_checkpoints SET last_error = $2, failed_attempts = $3, updated_at = now() WHERE name = $1', [
    name,
    failure.error ?? null,
    failure.failedAttempts,
  ]);
};

export interface SubscriptionCheckpointStatus {
  name: string;
  position: LogPosition;
  /** Readable events after the checkpoint: how far the reader trails the log. */
  lag: number;
  lastError: string | null;
  failedAttempts: number;
  updatedAt: Date;
}

/** Every checkpoint with its lag behind what a reader can take now, by name. */
export const listSubscriptionCheckpoints = async (db: Queryable): Promise<SubscriptionCheckpointStatus[]> => {
  const { rows } = await db.query<{ name: string; transaction_id: string; global_position: string; lag: string; last_error: string | null; failed_attempts: number; updated_at: Date }>(
    `SELECT s.name, s.transaction_id::text AS transaction_id, s.global_position, s.last_error, s.failed_attempts, s.updated_at,
            (SELECT count(*) FROM events e WHERE (e.transaction_id, e.global_position) > (s.transaction_id, s.global_position)
                AND e.transaction_id < ${LOG_WATERMARK_SQL}) AS lag
       FROM subscription_checkpoints s ORDER BY s.name`,
  );
  return rows.map((row) => ({
    name: row.name,
    position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
    lag: Number(row.lag),
    lastError: row.last_error,
    failedAttempts: row.failed_attempts,
    updatedAt: row.updated_at,
  }));
};
