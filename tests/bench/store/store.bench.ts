// `npm run bench:store [-- --events N --streams S --concurrency C --batch B --warmup W --rounds R --store-sql FILE]`
//
// Appends N single-event appends (default 20,000 = 2,000 streams x 10) with
//   store   this project's PgEventStore (libs/event-store),
//   emmett  @event-driven-io/emmett-postgresql, the nearest peer on npm,
//   raw     a plain `pg` single-row INSERT into a minimal table (see raw.worker.ts): the floor,
// first with one sequential writer, then with C concurrent writers (disjoint streams, pool size C), and
// reads the store's whole log back with readAll in batches of B. Every contender runs in its own process
// (Emmett changes how `pg` parses int8 for the whole process) against its own fresh database, created
// here and dropped at the end. Before timing, each worker does W untimed warm-up appends (own streams).
// Runs alternate contenders and reverse the order every round; each phase runs R times and the best
// (highest events/s) round counts. A CHECKPOINT runs before every timed run so none pays for another's
// dirty pages. The last stdout line is one JSON object with the figures.
//
// Env: DATABASE_URL, an admin URL (default postgres://postgres@127.0.0.1:5432/postgres): the bench
// creates and drops its databases through it. Server settings are only read, never changed.
// --store-sql FILE runs FILE on the store's databases after its migrations: a way to measure a variant of the
// schema or of append_events (see variants/) without touching libs/event-store.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from 'pg';
import { migrateEventStore } from '@claims/event-store';
import { type Phase, type WorkerResult, reportPayload } from './bench.shared';
import { RAW_TABLE_SQL } from './raw.worker';

type Contender = 'store' | 'emmett' | 'raw';

interface BenchArgs {
  events: number;
  streams: number;
  concurrency: number;
  batch: number;
  warmup: number;
  rounds: number;
  adminUrl: string;
  /** SQL run on the store's databases after its migrations, to measure a variant (e.g. of append_events). */
  storeSql?: string;
}

interface Run extends WorkerResult {
  round: number;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const REGISTER = path.join(ROOT, 'infra', 'register.js');
const WORKERS: Record<Contender, string> = {
  store: path.join(__dirname, 'store.worker.ts'),
  emmett: path.join(__dirname, 'emmett.worker.ts'),
  raw: path.join(__dirname, 'raw.worker.ts'),
};
const TARGETS = { ratioVsEmmett: 2.5, ratioVsRaw: 0.85, concurrentRatioVsRaw: 0.8 };

const parseArgs = (argv: readonly string[]): BenchArgs => {
  const get = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const positive = (name: string, fallback: number) => {
    const raw = get(name);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name}: expected a positive integer, got ${raw}`);
    return value;
  };
  const events = positive('events', 20_000);
  return {
    events,
    streams: positive('streams', Math.ceil(events / 10)),
    concurrency: positive('concurrency', 8),
    batch: positive('batch', 1_000),
    warmup: positive('warmup', 300),
    rounds: positive('rounds', 3),
    storeSql: get('store-sql') ? path.resolve(get('store-sql') as string) : undefined,
    adminUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
};

const databaseUrl = (adminUrl: string, database: string): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

// Read from node_modules directly: some packages do not export their package.json.
const packageVersion = (name: string): string =>
  (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const print = (line = '') => process.stdout.write(`${line}\n`);

class Bench {
  private readonly admin: Client;
  private readonly created = new Set<string>();
  private readonly runTag = `bench_store_${Date.now()}`;
  private child?: ChildProcess;

  constructor(private readonly args: BenchArgs) {
    this.admin = new Client({ connectionString: args.adminUrl });
  }

  async connect() {
    await this.admin.connect();
  }

  async machineFacts() {
    const setting = async (name: string) => (await this.admin.query<{ s: string }>(`SELECT current_setting($1) AS s`, [name])).rows[0].s;
    const cpus = os.cpus();
    return {
      cores: cpus.length,
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      node: process.version,
      postgres: await setting('server_version'),
      fsync: await setting('fsync'),
      synchronousCommit: await setting('synchronous_commit'),
      walSyncMethod: await setting('wal_sync_method'),
      fullPageWrites: await setting('full_page_writes'),
      sharedBuffers: await setting('shared_buffers'),
      commitDelay: await setting('commit_delay'),
      pgDriver: packageVersion('pg'),
      emmett: packageVersion('@event-driven-io/emmett-postgresql'),
    };
  }

  /** A fresh, empty database with the contender's schema (Emmett's worker migrates its own, untimed). */
  async prepare(contender: Contender, label: string): Promise<string> {
    const name = `${this.runTag}_${contender}_${label}`;
    await this.admin.query(`CREATE DATABASE ${name}`);
    this.created.add(name);
    const url = databaseUrl(this.args.adminUrl, name);
    if (contender === 'store') await migrateEventStore({ databaseUrl: url });
    const sql = contender === 'raw' ? RAW_TABLE_SQL : contender === 'store' && this.args.storeSql ? readFileSync(this.args.storeSql, 'utf8') : undefined;
    if (sql) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    }
    return name;
  }

  async drop(name: string) {
    await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    this.created.delete(name);
  }

  async dropAll() {
    for (const name of [...this.created]) await this.drop(name).catch((error: unknown) => print(`could not drop ${name}: ${String(error)}`));
    await this.admin.end().catch(() => undefined);
  }

  killChild() {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
  }

  /** Runs one contender process on `database` and returns its result; progress lines are echoed as they come. */
  async run(contender: Contender, phase: Phase, database: string, round: number): Promise<Run> {
    await this.admin.query('CHECKPOINT');
    const { events, streams, concurrency, warmup, batch } = this.args;
    const argv = [
      '-r', REGISTER, WORKERS[contender],
      '--database-url', databaseUrl(this.args.adminUrl, database),
      '--phase', phase,
      '--events', String(events),
      '--streams', String(streams),
      '--concurrency', String(concurrency),
      '--warmup', String(warmup),
      '--batch', String(batch),
    ];
    const label = `${contender} ${phase}${phase === 'read' ? '' : ` r${round}`}`;
    print(`> ${label}: ${phase === 'read' ? `readAll in batches of ${batch}` : `${events} appends, ${phase === 'concurrent' ? `${concurrency} writers` : '1 writer'} (+${warmup} warm-up)`}`);
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    let result: WorkerResult | undefined;
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('progress ')) {
        const p = JSON.parse(line.slice('progress '.length)) as { done: number; total: number; eps: number; avgEps: number };
        const done = p.total ? `${String(p.done).padStart(String(p.total).length)}/${p.total}` : `${p.done} read`;
        print(`  [${label}] ${done}  ${p.eps} ev/s (avg ${p.avgEps} ev/s)`);
      } else if (line.startsWith('result ')) {
        result = JSON.parse(line.slice('result '.length)) as WorkerResult;
      } else if (line.trim()) {
        print(`  [${label}] ${line}`);
      }
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    this.child = undefined;
    if (code !== 0 || !result) throw new Error(`${label}: worker exited with code ${code}${result ? '' : ' without a result'}`);
    print(`  [${label}] done: ${result.events} events in ${(result.ms / 1000).toFixed(2)} s = ${Math.round(result.eps)} ev/s`);
    return { ...result, round };
  }
}

const best = (runs: readonly Run[], contender: Contender, phase: Phase): Run | undefined =>
  runs.filter((run) => run.contender === contender && run.phase === phase).sort((a, b) => b.eps - a.eps)[0];

const round2 = (value: number) => Math.round(value * 100) / 100;

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const bench = new Bench(args);
  const onSignal = () => {
    bench.killChild();
    void bench.dropAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  await bench.connect();
  const runs: Run[] = [];
  try {
    const facts = await bench.machineFacts();
    const payloadBytes = Buffer.byteLength(JSON.stringify(reportPayload('claim-1999', 10)));
    const header = [
      `claim-ledger event store bench: ${args.events} single-event appends (${args.streams} streams x ~${Math.ceil(args.events / args.streams)}), ` +
        `${args.concurrency} concurrent writers, warm-up ${args.warmup}, best of ${args.rounds} round(s), read batch ${args.batch}`,
      `machine: ${facts.cores} cores (${facts.cpu}), Node ${facts.node}, pg ${facts.pgDriver}, emmett-postgresql ${facts.emmett}`,
      `PostgreSQL ${facts.postgres}: fsync=${facts.fsync} synchronous_commit=${facts.synchronousCommit} wal_sync_method=${facts.walSyncMethod} ` +
        `full_page_writes=${facts.fullPageWrites} shared_buffers=${facts.sharedBuffers} commit_delay=${facts.commitDelay}`,
      ...(args.storeSql ? [`store variant: ${path.relative(ROOT, args.storeSql)} applied after the store's migrations`] : []),
      `payload: ${payloadBytes} B JSON per event; raw = INSERT INTO raw_events(id bigserial pk, stream_id text, version int, data jsonb), autocommit`,
    ];
    header.forEach((line) => print(line));
    print();

    let keptStoreDatabase: string | undefined;
    for (const phase of ['sequential', 'concurrent'] as const) {
      for (let round = 1; round <= args.rounds; round++) {
        const order: Contender[] = round % 2 === 1 ? ['store', 'emmett', 'raw'] : ['raw', 'emmett', 'store'];
        for (const contender of order) {
          const database = await bench.prepare(contender, `${phase.slice(0, 3)}${round}`);
          runs.push(await bench.run(contender, phase, database, round));
          // Keep one store database of the sequential phase for the read phase; drop the others right away.
          if (contender === 'store' && phase === 'sequential' && !keptStoreDatabase) keptStoreDatabase = database;
          else await bench.drop(database);
        }
      }
    }
    if (!keptStoreDatabase) throw new Error('no store database to read');
    const read = await bench.run('store', 'read', keptStoreDatabase, 1);
    runs.push(read);

    const seq = { store: best(runs, 'store', 'sequential'), emmett: best(runs, 'emmett', 'sequential'), raw: best(runs, 'raw', 'sequential') };
    const conc = { store: best(runs, 'store', 'concurrent'), emmett: best(runs, 'emmett', 'concurrent'), raw: best(runs, 'raw', 'concurrent') };
    const eps = (run?: Run) => Math.round(run?.eps ?? 0);
    const ratio = (a?: Run, b?: Run) => (a && b ? round2(a.eps / b.eps) : 0);

    print();
    header.forEach((line) => print(line));
    const row = (cells: (string | number)[]) => print(cells.map((cell, i) => (i < 3 ? String(cell).padEnd([8, 11, 6][i]) : String(cell).padStart(10))).join(' '));
    row(['contender', 'phase', 'round', 'events', 'seconds', 'events/s', 'p50 ms', 'p99 ms', 'store/this']);
    print('-'.repeat(8 + 11 + 6 + 6 * 11 + 2));
    for (const run of runs) {
      const ref = run.phase === 'sequential' ? seq.store : run.phase === 'concurrent' ? conc.store : undefined;
      const isBest = run.phase === 'read' || best(runs, run.contender as Contender, run.phase) === run;
      row([
        run.contender,
        run.phase,
        `${run.phase === 'read' ? '-' : run.round}${isBest ? '*' : ''}`,
        run.events,
        (run.ms / 1000).toFixed(2),
        Math.round(run.eps),
        run.p50Ms.toFixed(3),
        run.p99Ms.toFixed(3),
        ref && run !== ref ? `${round2(ref.eps / run.eps)}x` : '',
      ]);
    }
    print('(* = the round that counts: best of the rounds; "store/this" = the counted store events/s divided by this run\'s; read p50/p99 are per batch)');
    const summary = {
      ratioVsEmmett: ratio(seq.store, seq.emmett),
      ratioVsRaw: ratio(seq.store, seq.raw),
      concurrentRatioVsRaw: ratio(conc.store, conc.raw),
    };
    const verdict = (value: number, target: number) => `${value} (target >= ${target}: ${value >= target ? 'met' : 'MISSED'})`;
    print(`sequential: store/emmett = ${verdict(summary.ratioVsEmmett, TARGETS.ratioVsEmmett)}, store/raw = ${verdict(summary.ratioVsRaw, TARGETS.ratioVsRaw)}`);
    print(`concurrent (${args.concurrency} writers): store/raw = ${verdict(summary.concurrentRatioVsRaw, TARGETS.concurrentRatioVsRaw)}`);
    // Every sequential append waits for its own commit (WAL flush), as the raw INSERT does, so the store
    // cannot beat the raw floor: raw/emmett bounds store/emmett. Printed so a missed target reads right.
    const rawVsEmmett = ratio(seq.raw, seq.emmett);
    print(`ceiling: raw/emmett = ${rawVsEmmett} (store/emmett can only reach ${TARGETS.ratioVsEmmett} if the raw floor is ${TARGETS.ratioVsEmmett}x Emmett)`);

    const json = {
      events: args.events,
      streams: args.streams,
      concurrency: args.concurrency,
      rounds: args.rounds,
      aggregate: 'best',
      store_eps: eps(seq.store),
      emmett_eps: eps(seq.emmett),
      raw_insert_eps: eps(seq.raw),
      ratio_vs_emmett: summary.ratioVsEmmett,
      ratio_vs_raw: summary.ratioVsRaw,
      concurrent_store_eps: eps(conc.store),
      concurrent_emmett_eps: eps(conc.emmett),
      concurrent_raw_eps: eps(conc.raw),
      concurrent_ratio_vs_raw: summary.concurrentRatioVsRaw,
      raw_vs_emmett: rawVsEmmett,
      read_eps: eps(read),
      read_events: read.events,
      read_batch: args.batch,
      store_p50_ms: round2(seq.store?.p50Ms ?? 0),
      raw_p50_ms: round2(seq.raw?.p50Ms ?? 0),
      emmett_p50_ms: round2(seq.emmett?.p50Ms ?? 0),
      targets_met: {
        ratio_vs_emmett: summary.ratioVsEmmett >= TARGETS.ratioVsEmmett,
        ratio_vs_raw: summary.ratioVsRaw >= TARGETS.ratioVsRaw,
        concurrent_vs_raw: summary.concurrentRatioVsRaw >= TARGETS.concurrentRatioVsRaw,
      },
      machine: { cores: facts.cores, postgres: facts.postgres, fsync: facts.fsync, synchronous_commit: facts.synchronousCommit },
    };
    print(JSON.stringify(json));
  } finally {
    await bench.dropAll();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:store failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
