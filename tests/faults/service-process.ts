import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@claims/platform';
import { waitUntil } from '@claims/testing';
import { REPO_ROOT } from '../support/npm-start';

/**
 * The API as its own process, started as `npm start` starts it (node with the repo's TypeScript loader,
 * apps/api/src/main.ts), in its own process group. A fault test's strongest proof is that this very
 * process is still there afterwards: `exit` stays pending and `pid` unchanged.
 */
export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** stdout and stderr so far (JSON log lines and the banner). */
  output(): string;
  /** Settles when the process exits, with its code and signal. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** SIGTERM to the whole group (node and an embedded PostgreSQL), then waits for the exit. */
  stop(): Promise<void>;
}

export const startService = async (env: NodeJS.ProcessEnv): Promise<ServiceProcess> => {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, ['-r', './infra/register.js', 'apps/api/src/main.ts'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid!,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    exit,
    running,
    stop: async () => {
      if (!running()) return;
      process.kill(-child.pid!, 'SIGTERM');
      await exit;
    },
  };
};

/** Waits for the start-up banner; fails at once, with the output, if the process exits first. */
export const waitForBanner = async (service: ServiceProcess, timeoutMs = 90_000): Promise<void> => {
  await waitUntil(
    () => {
      if (!service.running()) throw new Error(`the service exited before it was ready:\n${service.output()}`);
      return service.output().includes('claim-ledger is running');
    },
    { timeoutMs, intervalMs: 50, what: () => `the start-up banner; output so far:\n${service.output()}` },
  );
};

/** The status of a GET, or 0 when the connection itself fails (nothing listening, reset). */
export const statusOf = async (url: string): Promise<number> => {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
};
