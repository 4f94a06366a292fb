import path from 'node:path';
import { migrateEventStore, runMigrationsFrom } from '@claims/event-store';

/** The application's own schema (projections, idempotency keys, outbox), beside the event store's. */
export const APP_MIGRATIONS_DIR = path.join(__dirname, '..', '..', '..', 'infra', 'migrations');

/** Event store first, then the application's tables: what `npm run migrate` and every start run. */
export const migrateAll = async (databaseUrl: string, log?: (line: string) => void): Promise<void> => {
  await migrateEventStore({ databaseUrl, log });
  await runMigrationsFrom(APP_MIGRATIONS_DIR, 'app_migrations', { databaseUrl, log });
};
