import type { Pool, PoolConfig } from 'pg';

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
