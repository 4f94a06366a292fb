import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort, isProcessAlive } from '@claims/platform';
import { makeDataParent, REPO_ROOT } from './npm-start';

const run = promisify(execFile);

/**
 * A PostgreSQL server a test may stop, restart and kill without touching the run's shared server (which
 * every other test file uses). With the machine's tools, as root: a cluster of its own made with
 * `pg_createcluster` (the same binaries and `pg_ctlcluster` an operator uses). Otherwise an embedded
 * server from npm, in a process of its own (postgres-embedded-process.ts). Both ask for a password on
 * TCP, so a wrong one is refused.
 */
export interface PrivatePostgres {
  kind: 'machine cluster' | 'embedded';
  /** Superuser URL with its password. */
  adminUrl: string;
  port: number;
  description: string;
  /** Fast shutdown (active transactions rolled back, clients disconnected), then start again. */
  restartFast(): Promise<void>;
  stopFast(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  drop(): Promise<void>;
}

const PASSWORD = 'fault-tests';
/** Cluster names carry the creating process's pid, so a run finds the leftovers of a killed one. */
const CLUSTER_PREFIX = 'claimledger_faults_';

/** The newest PostgreSQL the machine has tools for, when this process may use them (root, Debian's postgresql-common). */
const machineVersion = (): string | undefined => {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/pg_createcluster') || !existsSync('/usr/lib/postgresql')) return undefined;
  const versions = readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name) && existsSync(`/usr/lib/postgresql/${name}/bin/postgres`));
  return versions.sort((a, b) => Number(b) - Number(a))[0];
};

const pgctl = (version: string, name: string, action: string) => run('pg_ctlcluster', ['--skip-systemctl-redirect', '-m', 'fast', version, name, action], { timeout: 60_000 });

/** Drops this test's clusters left by runs whose process is gone (a killed jest). */
const dropLeftoverClusters = async (): Promise<void> => {
  const { stdout } = await run('pg_lsclusters', ['-h']);
  for (const line of stdout.split('\n')) {
    const [version, name] = line.trim().split(/\s+/);
    const pid = Number(name?.startsWith(CLUSTER_PREFIX) ? name.slice(CLUSTER_PREFIX.length).split('_')[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) await run('pg_dropcluster', ['--stop', version, name]).catch(() => undefined);
  }
};

let clusters = 0;

const startMachineCluster = async (version: string): Promise<PrivatePostgres> => {
  await dropLeftoverClusters();
  const name = `${CLUSTER_PREFIX}${process.pid}_${clusters++}`;
  const port = await freePort();
  // Trust on the local socket (to set the password), a password on TCP (what the service uses).
  await run('pg_createcluster', [version, name, '-p', String(port), '--start-conf=manual', '-o', 'fsync=off', '-o', 'max_connections=200', '--', '--auth-local=trust', '--auth-host=scram-sha-256'], { timeout: 120_000 });
  await pgctl(version, name, 'start');
  const local = new Client({ host: '/var/run/postgresql', port, user: 'postgres', database: 'postgres' });
  await local.connect();
  await local.query(`ALTER ROLE postgres PASSWORD '${PASSWORD}'`);
  await local.end();
  return {
    kind: 'machine cluster',
    adminUrl: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    description: `PostgreSQL ${version} cluster ${name} (pg_createcluster, port ${port})`,
    restartFast: async () => {
      await pgctl(version, name, 'restart');
    },
    stopFast: async () => {
      await pgctl(version, name, 'stop');
    },
    start: async () => {
      await pgctl(version, name, 'start');
    },
    drop: async () => {
      await run('pg_dropcluster', ['--stop', version, name], { timeout: 60_000 });
    },
  };
};

/** Starts tests/support/postgres-embedded-process.ts; resolves with the process once it printed its URL. */
const spawnEmbedded = (dataDir: string, port: number): Promise<{ child: ChildProcess; adminUrl: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './infra/register.js', 'tests/support/postgres-embedded-process.ts', dataDir, String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(output);
      if (ready) resolve({ child, adminUrl: ready[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the embedded PostgreSQL exited with ${code} before it was ready:\n${output}`)));
  });

const startEmbedded = async (): Promise<PrivatePostgres> => {
  const parent = makeDataParent('claim-ledger-faults-pg-');
  const dataDir = path.join(parent, 'pg');
  const port = await freePort();
  let server: { child: ChildProcess; adminUrl: string } | undefined = await spawnEmbedded(dataDir, port);
  const start = async () => {
    server = await spawnEmbedded(dataDir, port);
  };
  // SIGTERM makes the process stop its server with SIGINT: PostgreSQL's fast shutdown.
  const stopFast = async () => {
    const running = server?.child;
    server = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  return {
    kind: 'embedded',
    adminUrl: server.adminUrl,
    port,
    description: `embedded PostgreSQL (port ${port}, ${dataDir})`,
    restartFast: async () => {
      await stopFast();
      await start();
    },
    stopFast,
    start,
    drop: async () => {
      await stopFast();
      rmSync(parent, { recursive: true, force: true });
    },
  };
};

/**
 * A server of the test's own: a machine cluster when the tools are there and this runs as root, else
 * embedded; `FAULT_TEST_POSTGRES=embedded` forces the embedded one (to run both kinds on one machine).
 */
export const startPrivatePostgres = async (): Promise<PrivatePostgres> => {
  const version = process.env.FAULT_TEST_POSTGRES === 'embedded' ? undefined : machineVersion();
  return version ? startMachineCluster(version) : startEmbedded();
};
