import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, migrateAll } from '@claims/platform';

/**
 * Several processes started at once on one fresh database (a deployment's replicas, `npm run migrate`
 * beside them) all migrate on start: the later ones wait for the first and find nothing left to do,
 * rather than exit with node-pg-migrate's "Another migration is already running".
 */
describe('migrations run by several processes at once', () => {
  const admin = () => process.env.TEST_POSTGRES_ADMIN_URL as string;
  const name = `test_${randomBytes(6).toString('hex')}`;
  afterAll(() => dropDatabase(admin(), name));

  it('lets every starter succeed, the schema migrated once', async () => {
    const url = await ensureDatabase(admin(), name);
    const results = await Promise.allSettled([migrateAll(url), migrateAll(url), migrateAll(url), migrateAll(url)]);
    expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      const { rows } = await pool.query<{ n: string; distinct_names: string }>('SELECT count(*) AS n, count(DISTINCT name) AS distinct_names FROM app_migrations');
      expect(Number(rows[0].n)).toBeGreaterThan(0);
      expect(rows[0].n).toBe(rows[0].distinct_names);
    } finally {
      await pool.end();
    }
  });
});
