import { fork } from 'node:child_process';
import path from 'node:path';
import type { BenchServerReady } from './http-bench.server';

const REGISTER = path.resolve(__dirname, '..', '..', '..', 'infra', 'register.js');

export interface ForkedBenchServer extends BenchServerReady {
  close(): Promise<void>;
}

/**
 * Starts http-bench.server.ts in its own process (the application alone on its event loop, as `npm start`
 * runs it) and resolves with its address and seed ids. `cpuProfileDir`: run it under `--cpu-prof`.
 */
export const forkBenchServer = (options: { claims: number; sources: number; cpuProfileDir?: string }): Promise<ForkedBenchServer> =>
  new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'http-bench.server.ts'), [], {
      execArgv: ['-r', REGISTER, ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [])],
      env: { ...process.env, BENCH_CLAIMS: String(options.claims), BENCH_SOURCES: String(options.sources) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code}) before it was ready`)));
    child.once('message', (message) => {
      const { ready } = message as { ready: BenchServerReady };
      resolve({
        ...ready,
        close: async () => {
          child.send('close');
          await exited;
        },
      });
    });
  });
