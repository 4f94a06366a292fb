import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** A temporary folder the embedded PostgreSQL can use when run as root (it runs as the postgres user). */
export const makeDataParent = (prefix: string): string => {
  const parent = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(parent, 0o755);
  return parent;
};

export interface StartedService {
  child: ChildProcess;
  output(): string;
  /** Resolves once the start-up banner printed `pattern` (default: the ready line). */
  ready: Promise<void>;
  /** Stops the process group; resolves once every process is gone and `output()` holds all it printed. */
  stop(): Promise<void>;
}

/**
 * `npm start` as a user runs it, in its own process group: no DATABASE_URL (the embedded PostgreSQL in
 * DATA_DIR) unless `env` sets one.
 */
export const startNpmStart = (env: NodeJS.ProcessEnv, readyPattern: RegExp = /claim-ledger is running/): StartedService => {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const child = spawn('npm', ['start', '--silent'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyPattern.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`)));
  });
  ready.catch(() => undefined);
  // 'close' comes after 'exit', once the output pipes are drained: nothing more can be printed after it.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    output: () => output,
    ready,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM'); // the whole group: npm, node and the embedded PostgreSQL
      await closed;
    },
  };
};
