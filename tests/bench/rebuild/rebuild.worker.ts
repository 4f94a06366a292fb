// Child of rebuild.bench.ts: the sequential read of the events table, then the claim projection rebuild,
// in one process whose peak RSS is what the bench reports. Last line: JSON.
import os from 'node:os';
import { Pool } from 'pg';
import { createProgress } from '@claims/platform';
import { rebuildProjections } from '@claims/projections';
import { postgresCpuSeconds } from './postgres-cpu';
import { replayWithoutWrites } from './replay-floor';

const BATCH = 10_000;

/** The baseline: every row of the events table, in log order, in keyset batches, parsed by pg. */
const rawRead = async (pool: Pool): Promise<number> => {
  const progress = createProgress({ label: 'raw read' });
  let after = ['0', 0] as [string, number];
  let count = 0;
  for (;;) {
    const { rows } = await pool.query({
      name: 'bench_raw_read',
      text: `SELECT global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash
               FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) ORDER BY events.transaction_id, events.global_position LIMIT $3`,
      values: [after[0], after[1], BATCH],
    });
    count += rows.length;
    progress.add(rows.length);
    if (rows.length < BATCH) break;
    const last = rows[rows.length - 1];
    after = [last.transaction_id, Number(last.global_position)];
  }
  progress.done();
  return count;
};

const main = async () => {
  const pool = new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 4 });
  try {
    const readStarted = process.hrtime.bigint();
    const read = await rawRead(pool);
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    console.error(`peak RSS after the raw read: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

    let floor: { eps: number; ratio: number } | undefined;
    if (process.env.BENCH_FLOOR === '1') {
      const floorStarted = process.hrtime.bigint();
      const replayed = await replayWithoutWrites(pool);
      const floorSeconds = Number(process.hrtime.bigint() - floorStarted) / 1e9;
      const eps = replayed.events / floorSeconds;
      floor = { eps: Math.round(eps), ratio: Math.round((eps / (read / readSeconds)) * 1000) / 1000 };
      console.log(
        `floor (read, validate, fold, assess, serialise; no writes): ${replayed.events} events, ${replayed.claims} claims, ${Math.round(replayed.documentBytes / 1e6)} MB of row documents in ${floorSeconds.toFixed(2)} s (ratio to the raw read ${floor.ratio})`,
      );
    }

    let progress: ReturnType<typeof createProgress> | undefined;
    const rebuildStarted = process.hrtime.bigint();
    const nodeCpuBefore = process.cpuUsage();
    const postgresCpuBefore = postgresCpuSeconds();
    const report = await rebuildProjections(pool, {
      projections: ['claim_view'],
      onStart: ({ total }) => {
        progress = createProgress({ label: 'rebuild claim_view', total });
      },
      onProgress: (n) => progress?.add(n),
    });
    progress?.done();
    const rebuildSeconds = Number(process.hrtime.bigint() - rebuildStarted) / 1e9;
    // Where the rebuild's time goes: this process's CPU and the server's (when it is local). On a machine
    // with few cores their sum over the core count bounds how fast it can be, however well they overlap.
    const nodeCpu = process.cpuUsage(nodeCpuBefore);
    const nodeCpuSeconds = (nodeCpu.user + nodeCpu.system) / 1e6;
    const postgresCpuAfter = postgresCpuSeconds();
    const postgresSeconds = postgresCpuBefore !== undefined && postgresCpuAfter !== undefined ? postgresCpuAfter - postgresCpuBefore : undefined;
    const rawEps = read / readSeconds;
    const rebuildEps = report.events / rebuildSeconds;
    console.log(`raw read: ${read} events in ${readSeconds.toFixed(2)} s; rebuild: ${report.events} events, ${report.claims} claims in ${rebuildSeconds.toFixed(2)} s`);
    console.log(`rebuild phases (s): ${Object.entries(report.phases).map(([phase, seconds]) => `${phase} ${seconds.toFixed(2)}`).join(', ')}`);
    console.log(
      `rebuild CPU: node ${nodeCpuSeconds.toFixed(1)} s, postgres ${postgresSeconds === undefined ? 'n/a (not a local server)' : `${postgresSeconds.toFixed(1)} s`} over ${rebuildSeconds.toFixed(1)} s on ${os.availableParallelism()} cores`,
    );
    console.log(
      JSON.stringify({
        events: read,
        rebuild_eps: Math.round(rebuildEps),
        raw_read_eps: Math.round(rawEps),
        ratio: Math.round((rebuildEps / rawEps) * 1000) / 1000,
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        ...(floor ? { floor_eps: floor.eps, floor_ratio: floor.ratio } : {}),
        node_cpu_s: Math.round(nodeCpuSeconds * 10) / 10,
        postgres_cpu_s: postgresSeconds === undefined ? null : Math.round(postgresSeconds * 10) / 10,
      }),
    );
  } finally {
    await pool.end();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
