// `npm run bench:http [-- --seconds 8 --rounds 3 --connections 8 --claims 1000 --idempotency --only open_claim,command_floor]`
//
// Throughput of the HTTP API against a floor measured in the same run, with autocannon. The application
// runs in a child process (http-bench.server.ts, so autocannon does not share its event loop), built
// exactly as `apps/api/src/main.ts` builds it (createApiApp: the same NestJS express platform, middleware,
// guards, idempotency interceptor, a pg pool of DATABASE_POOL_SIZE's default, 10, as the application role,
// the access log written by pino to /dev/null), plus one module registered only there (floor.module.ts):
// a route that commits one INSERT of a ~2 KB JSON row in a transaction (BEGIN, INSERT, COMMIT), and one
// that reads that row by primary key. Against a fresh database (created and dropped through DATABASE_URL,
// default the local server), at C connections, R rounds of S seconds per route, alternating, best round:
//   command  POST /claims and POST /claims/:id/reports (each (claim, source) pair once, spread over
//            --claims claims) vs the INSERT floor; the command figure is the slower of the two
//   read     GET /claims/:id (any of those claims) vs the primary-key read floor
//   health   GET /health/live vs the read floor
// plus a yardstick, not a target: POST /bench/floor/round-trips sends a command's six statements with none
// of its work, so the run says what round trips alone leave for a command (round_trip_ratio).
// No command carries an Idempotency-Key unless --idempotency (then a fresh one each).
// BENCH_CPU_PROF_DIR=dir runs the server under --cpu-prof. Progress goes to stdout; the last line is one
// JSON object. Targets: every ratio >= 0.5.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';

type AutocannonRequest = autocannon.AutocannonRequest;
import { redactUrl } from '@claims/platform';
import { floorDocument, openClaimBody, POOL_SIZE, reportBody } from './http-bench.app';
import { forkBenchServer } from './fork-server';

const TARGET_RATIO = 0.5;

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};

const print = (line = '') => process.stdout.write(`${line}\n`);
const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

const main = async () => {
  const seconds = arg('seconds', 8);
  const rounds = arg('rounds', 3);
  const connections = arg('connections', 8);
  const claimCount = arg('claims', 1000);
  const idempotency = process.argv.includes('--idempotency');
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.split(',') : undefined;
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  print(`bench:http  PostgreSQL ${redactUrl(adminUrl)}, ${os.cpus().length} cores, Node ${process.version}, pool ${POOL_SIZE}`);
  // Source 0 opens every seeded claim; reports come from the others, each (claim, source) pair once: a
  // source has one active report per claim, and a second from it is a conflict.
  const app = await forkBenchServer({ claims: claimCount, sources: 41, cpuProfileDir: process.env.BENCH_CPU_PROF_DIR });
  try {
    const { base, claimIds, floorIds, sourceIds } = app;
    const [openerId, ...reporterIds] = sourceIds;
    print(`  database ${app.database}: seeded ${sourceIds.length} sources, ${claimIds.length} claims, ${floorIds.length} floor rows`);
    print(`  ${rounds} rounds x ${seconds} s per route at ${connections} connections, best round each${idempotency ? ', commands with an Idempotency-Key' : ''}`);
    const headers = { authorization: app.authorization, 'content-type': 'application/json' };
    const readHeaders = { authorization: app.authorization };
    const commandHeaders = () => (idempotency ? { ...headers, 'idempotency-key': randomUUID() } : headers);
    let sequence = 0;
    let reports = 0;
    const nextReport = () => {
      const pair = reports++;
      if (pair >= claimIds.length * reporterIds.length) throw new Error(`more than ${pair} reports: raise --claims`);
      return { claimId: claimIds[pair % claimIds.length], sourceId: reporterIds[Math.floor(pair / claimIds.length)] };
    };
    const routes: Record<string, AutocannonRequest> = {
      command_floor: { method: 'POST', path: '/bench/floor', headers, setupRequest: (request) => ({ ...request, body: JSON.stringify(floorDocument()) }) },
      round_trip_floor: { method: 'POST', path: '/bench/floor/round-trips', headers, setupRequest: (request) => ({ ...request, body: JSON.stringify(floorDocument()) }) },
      open_claim: {
        method: 'POST',
        path: '/claims',
        headers,
        setupRequest: (request) => ({ ...request, headers: commandHeaders(), body: JSON.stringify(openClaimBody(pick([openerId, ...reporterIds]), sequence++)) }),
      },
      add_report: {
        method: 'POST',
        path: '/claims',
        headers,
        setupRequest: (request) => {
          const { claimId, sourceId } = nextReport();
          return { ...request, headers: commandHeaders(), path: `/claims/${claimId}/reports`, body: JSON.stringify(reportBody(sourceId)) };
        },
      },
      read_floor: { method: 'GET', path: '/bench/floor', headers: readHeaders, setupRequest: (request) => ({ ...request, path: `/bench/floor/${pick(floorIds)}` }) },
      get_claim: { method: 'GET', path: '/claims', headers: readHeaders, setupRequest: (request) => ({ ...request, path: `/claims/${pick(claimIds)}` }) },
      health_live: { method: 'GET', path: '/health/live' },
    };

    const best = new Map<string, Measured>();
    const run = async (request: AutocannonRequest): Promise<Measured> => {
      const result = await autocannon({ url: base, connections, duration: seconds, requests: [request] });
      const measured = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts };
      return measured;
    };
    // Untimed warm-up of every route: JIT, prepared statements, the pool's connections.
    if (only?.some((name) => !(name in routes))) throw new Error(`--only names routes among ${Object.keys(routes).join(', ')}`);
    for (const [name, request] of Object.entries(routes)) {
      if (only && !only.includes(name)) continue;
      const warm = await autocannon({ url: base, connections, duration: 1, requests: [request] });
      if (warm.non2xx + warm.errors > 0) throw new Error(`warm-up of ${name}: ${warm.non2xx} non-2xx answers, ${warm.errors} errors`);
    }
    const names = only ? Object.keys(routes).filter((name) => only.includes(name)) : Object.keys(routes);
    for (let index = 0; index < rounds; index++) {
      const order = index % 2 === 0 ? names : [...names].reverse();
      const line: string[] = [];
      for (const name of order) {
        const measured = await run(routes[name]);
        if (measured.failures > 0) throw new Error(`${name}: ${measured.failures} failed requests in round ${index + 1}`);
        if ((best.get(name)?.rps ?? 0) < measured.rps) best.set(name, measured);
        line.push(`${name} ${Math.round(measured.rps)}/s p99 ${measured.p99} ms`);
      }
      print(`  round ${index + 1}: ${line.join(', ')}`);
    }

    if (only) {
      // A subset, for profiling one route: its own figures, no ratios.
      print(JSON.stringify(Object.fromEntries(best)));
      return;
    }
    const figure = (name: string) => best.get(name)!;
    const command = [figure('open_claim'), figure('add_report')];
    const commandRps = Math.min(...command.map((measured) => measured.rps));
    const commandFloor = figure('command_floor').rps;
    const readFloor = figure('read_floor').rps;
    const result = {
      seconds,
      rounds,
      connections,
      open_claim_rps: round1(figure('open_claim').rps),
      open_claim_p50_ms: figure('open_claim').p50,
      open_claim_p99_ms: figure('open_claim').p99,
      add_report_rps: round1(figure('add_report').rps),
      add_report_p50_ms: figure('add_report').p50,
      add_report_p99_ms: figure('add_report').p99,
      command_floor_p99_ms: figure('command_floor').p99,
      read_p99_ms: figure('get_claim').p99,
      health_p99_ms: figure('health_live').p99,
      command_rps: round1(commandRps),
      command_floor_rps: round1(commandFloor),
      command_ratio: round2(commandRps / commandFloor),
      // Not a target: a command's six statements with none of its work, against the same floor.
      round_trip_floor_rps: round1(figure('round_trip_floor').rps),
      round_trip_ratio: round2(figure('round_trip_floor').rps / commandFloor),
      command_p99_ms: Math.max(...command.map((measured) => measured.p99)),
      read_rps: round1(figure('get_claim').rps),
      read_floor_rps: round1(readFloor),
      read_ratio: round2(figure('get_claim').rps / readFloor),
      health_rps: round1(figure('health_live').rps),
      health_ratio: round2(figure('health_live').rps / readFloor),
      target_ratio: TARGET_RATIO,
    };
    const ok = result.command_ratio >= TARGET_RATIO && result.read_ratio >= TARGET_RATIO && result.health_ratio >= TARGET_RATIO;
    print();
    print(`  command  POST /claims ${result.open_claim_rps}/s, POST /claims/:id/reports ${result.add_report_rps}/s vs floor ${result.command_floor_rps}/s: ratio ${result.command_ratio} (p99 ${result.command_p99_ms} ms)`);
    print(`           a command's six statements alone: ${result.round_trip_floor_rps}/s, ratio ${result.round_trip_ratio} (the ceiling round trips leave)`);
    print(`  read     GET /claims/:id ${result.read_rps}/s vs floor ${result.read_floor_rps}/s: ratio ${result.read_ratio}`);
    print(`  health   GET /health/live ${result.health_rps}/s vs read floor: ratio ${result.health_ratio}   (targets >= ${TARGET_RATIO}${ok ? ', met' : ', NOT met'})`);
    print();
    print(JSON.stringify({ ...result, ok }));
  } finally {
    await app.close();
  }
};

main().catch((error) => {
  console.error('bench:http failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
