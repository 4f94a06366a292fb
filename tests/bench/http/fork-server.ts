import path from 'node:path';
import { forkBenchChild } from '../bench-processes';
import type { BenchServerReady } from './http-bench.server';

export interface ForkedBenchServer extends BenchServerReady {
  close(): Promise<void>;
}

/**
 * Starts http-bench.server.ts in its own process (the application alone on its event loop, as `npm start`
 * runs it) and resolves with its address and seed ids. `cpuProfileDir`: run it under `--cpu-prof`.
 */
export const forkBenchServer = async (options: { claims: number; sources: number; cpuProfileDir?: string }): Promise<ForkedBenchServer> => {
  const server = await forkBenchChild<BenchServerReady>({
    name: 'bench:http server',
    module: path.join(__dirname, 'http-bench.server.ts'),
    execArgv: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    env: { ...process.env, BENCH_CLAIMS: String(options.claims), BENCH_SOURCES: String(options.sources) },
    waitForReady: true,
    stopWith: 'message',
  });
  return { ...server.ready, close: () => server.stop() };
};
