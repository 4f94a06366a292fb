import type { Queryable } from './event-store.types';

/**
 * The log's watermark as an SQL expression (xid8): events of transactions below it are final, so a reader
 * may read them in `(transaction_id, global_position)` order and never find an earlier one later. Every
 * reader of the log uses this one expression.
 */
export const LOG_WATERMARK_SQL = 'pg_snapshot_xmin(pg_current_snapshot())';

/** The transaction that holds the log's readers back: the oldest one still running on the server. */
export interface OldestRunningTransaction {
  /** Its transaction id: rows of it, and of every later transaction, are not readable until it ends. */
  transactionId: string;
  /** Backend process id (null for a prepared transaction, or one this role cannot see). */
  pid: number | null;
  /** Seconds since it started (null when this role cannot see it). */
  ageSeconds: number | null;
  database: string | null;
  applicationName: string | null;
  /** `active`, `idle in transaction`, … or `prepared` for a two-phase transaction waiting for COMMIT PREPARED. */
  state: string | null;
}

// The watermark is the oldest running transaction id on the whole server (any database): a snapshot's xmin.
// With nothing running it is the next id to be assigned, hence the EXISTS. pg_stat_activity names its session
// by its 32-bit xid; a prepared (two-phase) transaction has none, and pg_prepared_xacts names it instead.
// Roles without pg_read_all_stats see other roles' sessions without their details: those come back null.
const OLDEST_RUNNING_SQL = `WITH watermark AS (
    SELECT xmin AS xid, (xmin::text::bigint % 4294967296)::text AS xid32 FROM pg_snapshot_xmin(pg_current_snapshot()) AS xmin
     WHERE EXISTS (SELECT 1 FROM pg_stat_activity x WHERE x.backend_xid IS NOT NULL AND x.pid <> pg_backend_pid())
        OR EXISTS (SELECT 1 FROM pg_prepared_xacts))
  SELECT w.xid::text AS transaction_id, a.pid, extract(epoch FROM now() - coalesce(a.xact_start, p.prepared))::float8 AS age_seconds,
         coalesce(a.datname, p.database) AS database, a.application_name,
         CASE WHEN p.gid IS NOT NULL THEN 'prepared' ELSE a.state END AS state
    FROM watermark w
    LEFT JOIN pg_stat_activity a ON a.backend_xid::text = w.xid32
    LEFT JOIN pg_prepared_xacts p ON p.transaction::text = w.xid32
   LIMIT 1`;

/**
 * The oldest transaction still running on the server, which the log's readers wait for (undefined when none
 * holds them back). A transaction left open for minutes (an idle session, a forgotten prepared transaction,
 * a long migration) stops every subscription and the feed at the last event before it: they wait, never skip.
 */
export const oldestRunningTransaction = async (db: Queryable): Promise<OldestRunningTransaction | undefined> => {
  const { rows } = await db.query<{ transaction_id: string; pid: number | null; age_seconds: number | null; database: string | null; application_name: string | null; state: string | null }>(
    OLDEST_RUNNING_SQL,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    transactionId: row.transaction_id,
    pid: row.pid,
    ageSeconds: row.age_seconds === null ? null : Math.round(row.age_seconds * 10) / 10,
    database: row.database,
    applicationName: row.application_name,
    state: row.state,
  };
};

/** One line for logs and the CLI. */
export const describeTransaction = (transaction: OldestRunningTransaction): string =>
  [
    `transaction ${transaction.transactionId}`,
    transaction.pid !== null ? `pid ${transaction.pid}` : undefined,
    transaction.state ? `(${transaction.state})` : undefined,
    transaction.database ? `in database ${transaction.database}` : undefined,
    transaction.applicationName ? `by "${transaction.applicationName}"` : undefined,
    transaction.ageSeconds !== null ? `open for ${transaction.ageSeconds} s` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
