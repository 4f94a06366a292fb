import { createTestDatabase, runProjectProcess, type TestDatabase } from '@claims/testing';

// A CLI process (as `npm run cli` starts it: TypeScript through infra/register.js) that takes the CLI's
// owner pool, leaves one client idle in it, has that client's backend terminated, waits until the pool
// has dropped it, and queries through the pool again. A pool with no 'error' listener kills the process
// at the termination (an unhandled 'error' event).
const SCRIPT = `
const pino = require('pino');
const { Client } = require('pg');
const { ownerPool } = require('./apps/api/src/cli/cli-options');
(async () => {
  const logger = pino({ level: 'warn' }, process.stderr);
  const pool = await ownerPool({ logger, database: async () => ({ url: process.env.DATABASE_URL }) });
  const idle = await pool.connect();
  const { rows: [{ pid }] } = await idle.query('SELECT pg_backend_pid() AS pid');
  idle.release();
  const killer = new Client({ connectionString: process.env.DATABASE_URL });
  await killer.connect();
  await killer.query('SELECT pg_terminate_backend($1)', [pid]);
  await killer.end();
  while (pool.totalCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const { rows: [{ alive }] } = await pool.query('SELECT pg_backend_pid() <> $1 AS alive', [pid]);
  console.log('pool answers after losing backend ' + pid + ': ' + alive);
  await pool.end();
})().catch((error) => { console.error(error); process.exit(3); });
`;

const runScript = (databaseUrl: string) => runProjectProcess(['-e', SCRIPT], { DATABASE_URL: databaseUrl });

describe("the CLI's database pool", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 1 });
  });
  afterAll(() => db.drop());

  it('survives the termination of an idle backend: the process logs it once and the pool answers again', async () => {
    const { code, stdout, stderr } = await runScript(db.url);
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^pool answers after losing backend \d+: true\n$/) });
    const warnings = stderr.split('\n').filter((line) => line.includes('idle database connection lost'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ pool: 'claim-ledger-cli', err: expect.stringContaining('terminating connection') });
  }, 30_000);
});
