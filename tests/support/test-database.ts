import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { LOG_WATERMARK_SQL, type LogPosition } from '@claims/event-store';
import { dropDatabase, ensureDatabase, migrateAll } from '@claims/platform';
import { waitUntil } from './wait-until';

export interface TestDatabase {
  name: string;
  url: string;
  /** A pool on the test database (the caller may make more from `url`). */
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

const adminUrl = (): string => {
  const url = process.env.TEST_POSTGRES_ADMIN_URL;
  if (!url) throw new Error('TEST_POSTGRES_ADMIN_URL is not set: run integration tests through jest (its global setup starts PostgreSQL)');
  return url;
};

/** A fresh, migrated database of its own for one test file, so files can run in parallel. */
export const createTestDatabase = async (options: { poolSize?: number } = {}): Promise<TestDatabase> => {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(adminUrl(), name);
  await migrateAll(url);
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10 });
  return {
    name,
    url,
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(adminUrl(), name);
    },
  };
};

/**
 * Waits until every committed event of this database is below the log's watermark. Readers of the log
 * (verify, export, rebuild) take only rows below the oldest writing transaction still running in this
 * database; a test's own open transactions can hold it back for a moment.
 */
export const waitUntilLogReadable = async (pool: Pool, timeoutMs = 30_000): Promise<void> => {
  let held = 0;
  await waitUntil(
    async () => {
      const { rows } = await pool.query<{ held: number }>(`SELECT count(*)::int AS held FROM events WHERE transaction_id >= ${LOG_WATERMARK_SQL}`);
      held = rows[0].held;
      return held === 0;
    },
    { timeoutMs, intervalMs: 25, what: () => `the log to be readable (${held} events still behind the watermark)` },
  );
};

/** The log's true end (ignoring the watermark), once writers are done: where a reader must get to. */
export const logEnd = async (pool: Pool): Promise<LogPosition> => {
  const { rows } = await pool.query<{ transaction_id: string; global_position: string }>(
    'SELECT transaction_id::text, global_position FROM events ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1',
  );
  return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) } : { transactionId: '0', globalPosition: 0 };
};
