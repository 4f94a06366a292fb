import path from 'node:path';
import { Pool, type PoolConfig } from 'pg';
import type { Logger } from 'pino';
import { ensureDatabase, findRunningEmbeddedPostgres, migrateAll, redactUrl, startEmbeddedPostgres, type EmbeddedPostgres } from '@claims/platform';
import type { AppConfig } from '../config/app-config';

export interface Database {
  /** The owner's URL: migrations run with it. */
  url: string;
  /** The application's pool, connected as (or switched to) {@link APP_ROLE}. */
  pool: Pool;
  /** Where the data lives, for the start-up banner. */
  description: string;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'claims';

/** The role the application works as: it may read and append events, never change or delete them. */
export const APP_ROLE = 'claim_ledger_app';

/**
 * How the application connects. With `appUrl` (DATABASE_APP_URL), as its own login role, a member of
 * {@link APP_ROLE}; otherwise as the owner, switched to {@link APP_ROLE} at session start (`-c role=`), which
 * keeps application code and SQL injection away from UPDATE/DELETE on events, though a session that runs
 * arbitrary SQL could still `SET ROLE NONE`. A separate login closes that too.
 */
export const appPoolConfig = (ownerUrl: string, appUrl?: string): PoolConfig =>
  appUrl ? { connectionString: appUrl } : { connectionString: ownerUrl, options: `-c role=${APP_ROLE}` };

/** Refuses to run with a connection that could rewrite history: the role must not UPDATE, DELETE or TRUNCATE events. */
export const assertAppendOnlyConnection = async (pool: Pool): Promise<string> => {
  const { rows } = await pool.query<{ role: string; update: boolean; delete: boolean; truncate: boolean; insert: boolean }>(
    `SELECT current_user AS role, has_table_privilege('events', 'UPDATE') AS update, has_table_privilege('events', 'DELETE') AS delete,
            has_table_privilege('events', 'TRUNCATE') AS truncate, has_table_privilege('events', 'INSERT') AS insert`,
  );
  const [row] = rows;
  const excess = (['update', 'delete', 'truncate'] as const).filter((privilege) => row[privilege]);
  if (excess.length > 0) {
    throw new Error(`the application's database role ${row.role} may ${excess.join(', ').toUpperCase()} the events table; connect as ${APP_ROLE} (see README "Database roles")`);
  }
  if (!row.insert) throw new Error(`the application's database role ${row.role} may not INSERT into events (see README "Database roles")`);
  return row.role;
};

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR (kept between runs), then brings
 * the schema up to date. Migrations run on every start; they are idempotent and take an advisory lock.
 * `attachToRunning` (command line): use the embedded server `npm start` is already running on DATA_DIR.
 */
export const openDatabase = async (config: AppConfig, logger: Logger, options: { attachToRunning?: boolean } = {}): Promise<Database> => {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.DATABASE_URL;
  let description = url ? redactUrl(url) : '';
  const running = !url && options.attachToRunning ? await findRunningEmbeddedPostgres(path.join(config.dataDir, 'postgres')) : undefined;
  if (running) {
    url = await ensureDatabase(running.adminUrl, EMBEDDED_DATABASE);
    description = `embedded PostgreSQL in ${path.join(config.dataDir, 'postgres')} (running, port ${running.port})`;
  }
  if (!url) {
    const dataDir = path.join(config.dataDir, 'postgres');
    const started = Date.now();
    logger.info({ dataDir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: config.EMBEDDED_POSTGRES_PORT,
      persistent: true,
      log: (line) => logger.debug({ component: 'postgres' }, line),
    });
    url = await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
    description = `embedded PostgreSQL in ${dataDir} (port ${embedded.port})`;
    logger.info({ dataDir, port: embedded.port, ms: Date.now() - started }, 'embedded PostgreSQL ready');
  }
  await migrateAll(url, (line) => logger.debug({ component: 'migrations' }, line));
  const pool = new Pool({ ...appPoolConfig(url, config.DATABASE_APP_URL), max: config.DATABASE_POOL_SIZE, application_name: 'claim-ledger' });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle database connection failed'));
  try {
    const role = await assertAppendOnlyConnection(pool);
    logger.info({ role }, 'database role checked: events are read and append only');
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    url,
    pool,
    description,
    close: async () => {
      await pool.end();
      await embedded?.stop();
    },
  };
};
