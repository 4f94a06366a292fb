import { startTestPostgres, type TestPostgres } from './postgres-server';

declare global {
  var testPostgres: TestPostgres | undefined;
}

/** Starts (or finds) the shared servers once per run and hands their URLs to the test workers via env. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const postgres = await startTestPostgres();
  globalThis.testPostgres = postgres;
  process.env.TEST_POSTGRES_ADMIN_URL = postgres.adminUrl;
  process.stdout.write(`\nintegration tests: PostgreSQL from ${postgres.description}, ready in ${Date.now() - started} ms\n`);
}
