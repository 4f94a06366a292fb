// The bench's server process: forked by http.bench.ts (and round-trips.ts), so autocannon does not share
// its event loop. Builds the application (http-bench.app.ts), sends its address and seed ids over IPC,
// and closes it (dropping its database) when told to, or when the parent goes away.
import { startBenchApp } from './http-bench.app';

export interface BenchServerReady {
  base: string;
  database: string;
  authorization: string;
  sourceIds: string[];
  claimIds: string[];
  floorIds: string[];
}

const main = async () => {
  const claims = Number(process.env.BENCH_CLAIMS ?? 1000);
  const sources = Number(process.env.BENCH_SOURCES ?? 41);
  const app = await startBenchApp(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { claims, sources });
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'close') void stop();
  });
  process.on('disconnect', () => void stop());
  const ready: BenchServerReady = { base: app.base, database: app.database, authorization: app.authorization, sourceIds: app.sourceIds, claimIds: app.claimIds, floorIds: app.floorIds };
  process.send?.({ ready });
};

main().catch((error) => {
  console.error('bench:http server failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
