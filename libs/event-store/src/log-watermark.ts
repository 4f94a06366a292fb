import type { Queryable } from './event-store.types';

/**
 * The log's watermark as an SQL expression (xid8): events of transactions below it are final, so a reader
 * may read them in `(transaction_id, global_position)` order and never find an earlier one later. Every
 * reader of the log (and of the feed outbox) uses this one expression. It is the oldest transaction still
 * running that could write this database's log: marked log readers (`mark_log_reader()`) and
 * transactions of other databases do not hold it back. See the `log_watermark()` migration.
 */
export const LOG_WATERMARK_SQL = 'log_watermark()';

/**
 * Marks the transaction as a log reader: run it right after BEGIN, at the transaction's top level (it is
 * refused with SQLSTATE 25001 once the transaction has an id, or inside a savepoint, where a rollback could
 * take it back). The log's watermark then passes the transaction while it runs, so other readers are not
 * held back by it however long it takes; in exchange it may not write events (nor outbox rows): the
 * database refuses them (SQLSTATE 25006). The watermark trusts the mark only as `mark_log_reader()` makes
 * it (its name, its transaction-level lock, and no write to the log), so imitating it by hand fools no
 * reader. Internal to the package: subscriptions' batches use it.
 */
export const MARK_LOG_READER_SQL = 'SELECT mark_log_reader()';

/** The transaction that holds the log's readers back: the oldest running one that could write the log. */
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

// The transaction at the watermark, when one runs there. With none running below it the watermark is the
// snapshot's xmax, which may still be a running transaction's id: the snapshot lists only the ids below
// xmax, so the session or the prepared transaction of that id is looked up, and none found means none
// holds the readers back (nor does one in another database, or a log reader). pg_stat_activity names a session by its 32-bit xid; a prepared (two-phase)
// transaction has no session, and pg_prepared_xacts names it instead. Roles without pg_read_all_stats see
// other roles' sessions without their details: those come back null.
const OLDEST_RUNNING_SQL = `WITH watermark AS (SELECT w AS xid FROM ${LOG_WATERMARK_SQL} AS w)
  SELECT w.xid::text AS transaction_id, a.pid, extract(epoch FROM now() - coalesce(a.xact_start, p.prepared))::float8 AS age_seconds,
         coalesce(a.datname, p.database) AS database, a.application_name,
         CASE WHEN p.gid IS NOT NULL THEN 'prepared' ELSE a.state END AS state
    FROM watermark w
    LEFT JOIN pg_stat_activity a ON a.backend_xid = xid(w.xid) AND a.pid <> pg_backend_pid() AND a.datname = current_database()
                                AND a.application_name <> 'claim-ledger-log-reader:' || w.xid::text
    LEFT JOIN pg_prepared_xacts p ON p.transaction = xid(w.xid)
   WHERE a.pid IS NOT NULL OR p.gid IS NOT NULL
   LIMIT 1`;

/**
 * The transaction the log's readers wait for: the oldest one still running that could write this
 * database's log (undefined when none holds them back; marked log readers and other databases' transactions
 * never do). A transaction left open for minutes (an idle session, a forgotten prepared transaction, a long
 * migration) stops every subscription and the feed at the last event before it: they wait, never skip.
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
