import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// Direct file imports: jest's global setup does not resolve the @claims/* aliases.
import { redactUrl } from '../../libs/platform/src/databases';
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded-postgres';
import { containerRuntimeAvailable } from './container-runtime';

export interface TestPostgres {
  /** Superuser URL; each test file creates its own database from it. */
  adminUrl: string;
  /** Which one it is, printed at the start of the run. */
  description: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server for integration tests: `DATABASE_URL` when set, else a testcontainers PostgreSQL
 * when a container engine answers, else an embedded PostgreSQL (real binaries from npm), so `npm test`
 * passes on a machine with nothing but Node.
 */
export const startTestPostgres = async (): Promise<TestPostgres> => {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    return { adminUrl: configured, description: `DATABASE_URL (${redactUrl(configured)})`, stop: async () => undefined };
  }
  if (await containerRuntimeAvailable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const image = process.env.TEST_POSTGRES_IMAGE ?? 'postgres:17-alpine';
    const container = await new PostgreSqlContainer(image).withCommand(['postgres', '-c', 'fsync=off', '-c', 'max_connections=300']).start();
    return {
      adminUrl: container.getConnectionUri(),
      description: `testcontainers (${image}, port ${container.getPort()})`,
      stop: async () => {
        await container.stop();
      },
    };
  }
  const parent = mkdtempSync(path.join(tmpdir(), 'claim-ledger-test-'));
  chmodSync(parent, 0o755); // as root, the server runs as the postgres user, which must reach its data folder
  const dataDir = path.join(parent, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, persistent: false, fast: true });
  return { adminUrl: server.adminUrl, description: `embedded PostgreSQL (port ${server.port}, ${dataDir})`, stop: () => server.stop() };
};
