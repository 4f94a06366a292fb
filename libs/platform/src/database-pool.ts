import { Pool, type PoolConfig } from 'pg';

/** Where a pool reports a lost idle connection (a pino logger fits). */
export interface PoolErrorLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Every pg Pool the application makes (API, worker, CLI). A pool emits `'error'` when the backend of an
 * idle client goes away (a restart, a failover, `pg_terminate_backend`, an idle timeout); with no listener
 * that is an unhandled `'error'` event and the process exits. Here each such loss is logged once, as a
 * warning naming the pool, and the pool replaces the client on its next checkout.
 */
export const createPool = (config: PoolConfig & { application_name: string }, log: PoolErrorLog): Pool => {
  const pool = new Pool(config);
  pool.on('error', (error) => log.warn({ pool: config.application_name, err: error.message }, 'idle database connection lost; the pool replaces it'));
  return pool;
};
