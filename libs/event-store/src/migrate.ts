import path from 'node:path';
import runner from 'node-pg-migrate';
import type { Client } from 'pg';

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
 * node-pg-migrate takes an advisory lock and skips migrations already applied.
 */
export const migrateEventStore = async (options: MigrateOptions): Promise<void> => {
  await runMigrationsFrom(EVENT_STORE_MIGRATIONS_DIR, 'event_store_migrations', options);
};

/** Runs one folder of SQL migrations, tracked in its own table (each library owns its schema). */
export const runMigrationsFrom = async (dir: string, migrationsTable: string, options: MigrateOptions): Promise<void> => {
  const connection = options.dbClient ? { dbClient: options.dbClient } : { databaseUrl: requireUrl(options.databaseUrl) };
  await runner({
    ...connection,
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
