import path from 'node:path';
import runner from 'node-pg-migrate';
import { Client } from 'pg';

export interface MigrateOptions {
  /** Either a connection string or an open client (the caller keeps ownership of it). */
  databaseUrl?: string;
  dbClient?: Client;
  log?: (message: string) => void;
}

/** Folder of the event store's own SQL migrations. */
export const EVENT_STORE_MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Brings the database up to the latest event-store schema. Safe to run concurrently and on every start:
 * starters wait for each other (see `runMigrationsFrom`) and skip migrations already applied.
 */
export const migrateEventStore = async (options: MigrateOptions): Promise<void> => {
  await runMigrationsFrom(EVENT_STORE_MIGRATIONS_DIR, 'event_store_migrations', options);
};

/** Runs one folder of SQL migrations, tracked in its own table (each library owns its schema). */
export const runMigrationsFrom = async (dir: string, migrationsTable: string, options: MigrateOptions): Promise<void> => {
  if (options.dbClient) return migrateUnderLock(options.dbClient, dir, migrationsTable, options);
  const client = new Client({ connectionString: requireUrl(options.databaseUrl) });
  await client.connect();
  try {
    await migrateUnderLock(client, dir, migrationsTable, options);
  } finally {
    await client.end();
  }
};

/**
 * node-pg-migrate's own lock is a try-lock: a second process starting while the first migrates fails with
 * "Another migration is already running". So starters queue on a blocking session lock of ours first; the
 * runner's try-lock on the same session then always succeeds, and a later starter finds nothing to apply.
 */
const MIGRATION_LOCK_KEY = 'claim-ledger:migrations';

const migrateUnderLock = async (client: Client, dir: string, migrationsTable: string, options: MigrateOptions): Promise<void> => {
  await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK_KEY]);
  try {
    await runMigrations(client, dir, migrationsTable, options);
  } finally {
    // A lost connection has released the lock already; the migration's own error is the one to report.
    await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
};

const runMigrations = async (client: Client, dir: string, migrationsTable: string, options: MigrateOptions): Promise<void> => {
  await runner({
    dbClient: client,
    dir,
    migrationsTable,
    direction: 'up',
    count: Infinity,
    singleTransaction: true,
    checkOrder: true,
    verbose: false,
    log: options.log ?? (() => undefined),
  });
};

const requireUrl = (url: string | undefined): string => {
  if (!url) throw new Error('migrations need a databaseUrl or a dbClient');
  return url;
};
