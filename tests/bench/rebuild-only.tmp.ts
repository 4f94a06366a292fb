import { Pool } from 'pg';
import { rebuildProjections } from '@claims/projections';
(async () => {
  const pool = new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 4 });
  const t0 = performance.now(); const c0 = process.cpuUsage();
  const report = await rebuildProjections(pool, { projections: ['claim_view'], batchSize: Number(process.env.BATCH ?? 10000) });
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ s: ((performance.now() - t0) / 1000).toFixed(1), nodeCpu: ((cpu.user + cpu.system) / 1e6).toFixed(1), phases: report.phases, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  await pool.end();
})();
