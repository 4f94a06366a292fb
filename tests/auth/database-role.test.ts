import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { Pool } from 'pg';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { loadAppConfig } from '../../apps/api/src/config/app-config';
import { APP_ROLE, appPoolConfig, assertAppendOnlyConnection } from '@claims/platform';
import { openDatabase } from '../../apps/api/src/database/database';

const PERMISSION_DENIED = '42501';

describe('the application database role', () => {
  let db: TestDatabase;
  let appPool: Pool;
  let loginRole: string;
  let loginUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    appPool = new Pool({ ...appPoolConfig(db.url), max: 2 });
    // A deployment's own login for the application (DATABASE_APP_URL), a member of claim_ledger_app.
    loginRole = `claim_ledger_api_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await db.pool.query(`CREATE ROLE ${loginRole} LOGIN PASSWORD '${password}' IN ROLE ${APP_ROLE}`);
    const url = new URL(db.url);
    url.username = loginRole;
    url.password = password;
    loginUrl = url.toString();

    const store = new PgEventStore({ pool: appPool });
    await store.append(`ledger-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Recorded', data: { n: 1 } }]);
    await store.close();
    // The second wall goes: only the privileges are left.
    await db.pool.query('DROP TRIGGER events_append_only_rows ON events');
    await db.pool.query('DROP TRIGGER events_append_only_truncate ON events');
  });
  afterAll(async () => {
    await appPool.end();
    await db.drop();
    const admin = new Pool({ connectionString: process.env.TEST_POSTGRES_ADMIN_URL, max: 1 });
    await admin.query(`DROP ROLE IF EXISTS ${loginRole}`);
    await admin.end();
  });

  const attempts = ['UPDATE events SET data = \'{"n": 2}\'::jsonb', 'DELETE FROM events', 'TRUNCATE events'];

  it.each(attempts)('as claim_ledger_app, "%s" is refused even with the triggers dropped', async (sql) => {
    expect((await appPool.query('SELECT current_user AS role')).rows[0].role).toBe(APP_ROLE);
    await expect(appPool.query(sql)).rejects.toMatchObject({ code: PERMISSION_DENIED });
    expect(Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count)).toBe(1);
  });

  it.each(attempts)('as a login role of the application (DATABASE_APP_URL), "%s" is refused, and SET ROLE NONE does not help', async (sql) => {
    const pool = new Pool({ ...appPoolConfig(db.url, loginUrl), max: 1 });
    try {
      const client = await pool.connect();
      try {
        await client.query('SET ROLE NONE');
        expect((await client.query('SELECT current_user AS role')).rows[0].role).toBe(loginRole);
        await expect(client.query(sql)).rejects.toMatchObject({ code: PERMISSION_DENIED });
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('the application role can read, append, and maintain projections, checkpoints and keys', async () => {
    await appPool.query('SELECT count(*) FROM events');
    const store = new PgEventStore({ pool: appPool });
    await store.append(`ledger-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Recorded', data: { n: 3 } }]);
    await store.close();
    for (const table of ['claim_view', 'source_view', 'claim_sources', 'idempotency_keys', 'subscription_checkpoints', 'feed_outbox', 'api_keys']) {
      const { rows } = await appPool.query(`SELECT has_table_privilege($1, 'UPDATE') AS update, has_table_privilege($1, 'DELETE') AS delete`, [table]);
      expect({ table, ...rows[0] }).toEqual({ table, update: true, delete: true });
    }
  });

  it('the owner could rewrite the log without the trigger: the role is what stops the application', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await expect(client.query(attempts[0])).resolves.toMatchObject({ rowCount: expect.any(Number) });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('refuses to start on a connection that may UPDATE, DELETE or TRUNCATE events', async () => {
    await expect(assertAppendOnlyConnection(db.pool)).rejects.toThrow(/may UPDATE, DELETE, TRUNCATE the events table/);
    await expect(assertAppendOnlyConnection(appPool)).resolves.toBe(APP_ROLE);
  });

  it('openDatabase connects the application as claim_ledger_app, or as DATABASE_APP_URL', async () => {
    const logger = pino({ level: 'silent' });
    const switched = await openDatabase(loadAppConfig({ DATABASE_URL: db.url }), logger);
    const login = await openDatabase(loadAppConfig({ DATABASE_URL: db.url, DATABASE_APP_URL: loginUrl }), logger);
    try {
      expect((await switched.pool.query('SELECT current_user AS role')).rows[0].role).toBe(APP_ROLE);
      expect((await login.pool.query('SELECT current_user AS role')).rows[0].role).toBe(loginRole);
    } finally {
      await switched.close();
      await login.close();
    }
  });
});
