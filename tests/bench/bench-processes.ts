import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

const REGISTER = path.resolve(__dirname, '..', '..', 'infra', 'register.js');
/** How long a child may take to shut down gracefully before it is killed. */
const STOP_GRACE_MS = 10_000;

/** Every child still running, killed outright if the bench process exits without stopping them. */
const live = new Set<ChildProcess>();
/** Ctrl-C signals the whole process group: the children then stop on their own, which is no failure. */
let interrupted = false;

export const childrenInterrupted = (): void => {
  interrupted = true;
};
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface BenchChild<Ready> {
  readonly name: string;
  readonly pid: number;
  /** What the child sent over IPC once it was ready (`{ ready }`); `undefined` for a child that sends nothing. */
  readonly ready: Ready;
  /** Rejects when the child exits before `stop()` was called (never resolves). */
  readonly died: Promise<never>;
  /** Asks the child to shut down (its own graceful path), kills it after a grace period, waits for its exit. */
  stop(): Promise<void>;
}

export interface ForkOptions {
  name: string;
  /** A TypeScript module, run with infra/register.js as `npm run` runs the apps. */
  module: string;
  /** More Node options, e.g. `--cpu-prof`. */
  execArgv?: string[];
  env: NodeJS.ProcessEnv;
  /** Wait for `{ ready }` over IPC (a child built for the bench); otherwise resolve once it is spawned. */
  waitForReady: boolean;
  /** How the child is asked to stop: an IPC `'close'` message, or SIGTERM (the apps' own shutdown). */
  stopWith: 'message' | 'SIGTERM';
}

/**
 * Forks a child process whose stdout and stderr go to this process's stderr (the bench's stdout ends with
 * its JSON line). A child that exits before it is stopped rejects `died` (and, before it is ready, the
 * fork itself), so the bench fails at once instead of waiting for messages that will never come.
 */
export const forkBenchChild = <Ready = undefined>(options: ForkOptions): Promise<BenchChild<Ready>> =>
  new Promise((resolve, reject) => {
    const child = fork(options.module, [], { execArgv: ['-r', REGISTER, ...(options.execArgv ?? [])], env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    live.add(child);
    child.stdout?.pipe(process.stderr);
    child.stderr?.pipe(process.stderr);
    let stopping = false;
    let failDied: (error: Error) => void = () => undefined;
    const died = new Promise<never>((_, fail) => (failDied = fail));
    // Nobody may be racing it when the child dies: that must not be an unhandled rejection.
    died.catch(() => undefined);
    const exited = new Promise<void>((done) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        if (!stopping && !interrupted) {
          const error = new Error(`the ${options.name} process exited (${signal ?? code}) before the bench stopped it`);
          failDied(error);
          reject(error);
        }
        done();
      }),
    );
    child.once('error', (error) => reject(error));
    const stop = async () => {
      if (stopping) return exited;
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      if (options.stopWith === 'message' && child.connected) child.send('close');
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    };
    const handle = (ready: Ready): BenchChild<Ready> => ({ name: options.name, pid: child.pid ?? -1, ready, died, stop });
    if (options.waitForReady) child.once('message', (message) => resolve(handle((message as { ready: Ready }).ready)));
    else child.once('spawn', () => resolve(handle(undefined as Ready)));
  });
