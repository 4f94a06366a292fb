import path from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import {
  appPoolConfig,
  assertAppendOnlyConnection,
  createPool,
  explainingConnectionProblems,
  ensureDatabase,
  findRunningEmbeddedPostgres,
  migrateAll,
  redactUrl,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresState,
} from '@claims/platform';
import type { AppConfig } from '../config/app-config';

export interface Database {
  /** The owner's URL: migrations run with it. */
  url: string;
  /** The application's pool, connected as (or switched to) the application role (`APP_ROLE`, libs/platform). */
  pool: Pool;
  /** Where the data lives, for the start-up banner. */
  description: string;
  /** The embedded server this process started and supervises (restarted whenever it exits), if any: readiness reports its state. */
  embedded?: { state(): EmbeddedPostgresState };
  close(): Promise<void>;
}

/** Injection token of the {@link Database} (DatabaseModule). */
export const DATABASE = 'claim-ledger:database';

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
      restartOnExit: true,
      onStateChange: (state, detail) => (state === 'running' ? logger.info({ component: 'postgres', state }, detail) : logger.warn({ component: 'postgres', state }, detail)),
      log: (line) => logger.debug({ component: 'postgres' }, line),
    });
    url = await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
    description = `embedded PostgreSQL in ${dataDir} (port ${embedded.port})`;
    logger.info({ dataDir, port: embedded.port, ms: Date.now() - started }, 'embedded PostgreSQL ready');
  }
  const ownerUrl = url;
  await explainingConnectionProblems(ownerUrl, config.DATABASE_URL ? 'DATABASE_URL' : 'the embedded server', () => migrateAll(ownerUrl, (line) => logger.debug({ component: 'migrations' }, line)));
  const pool = createPool({ ...appPoolConfig(url, config.DATABASE_APP_URL), max: config.DATABASE_POOL_SIZE, application_name: 'claim-ledger' }, logger);
  try {
    const role = await explainingConnectionProblems(config.DATABASE_APP_URL ?? ownerUrl, config.DATABASE_APP_URL ? 'DATABASE_APP_URL' : 'DATABASE_URL', () => assertAppendOnlyConnection(pool));
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
    embedded,
    close: async () => {
      await pool.end();
      await embedded?.stop();
    },
  };
};
