// `npm run bench:rebuild [-- --events 1000000 --claims 50000 --sources 2000 --keep --floor]`
//
// Fills a fresh database with N valid, hash-chained events (a bulk path: multi-row INSERTs, no projections),
// then, in a child process whose peak RSS is measured, reads the events table sequentially (the baseline)
// and rebuilds the claim projection. Last line: one JSON object. `--floor` also measures, between the two,
// the rebuild's work in Node without writing (see replay-floor.ts): the part of the ratio no write path can win back.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { chainHashOf, contentHashOf, GENESIS_HASH } from '@claims/event-store';
import { createProgress, dropDatabase, ensureDatabase, migrateAll } from '@claims/platform';

const { values } = parseArgs({
  options: { events: { type: 'string' }, claims: { type: 'string' }, sources: { type: 'string' }, keep: { type: 'boolean' }, floor: { type: 'boolean' } },
});
const events = Number(values.events ?? 1_000_000);
const claims = Number(values.claims ?? Math.max(1, Math.round(Math.min(50_000, events / 20))));
const sources = Number(values.sources ?? Math.max(2, Math.min(2_000, Math.round(claims / 25))));
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const uuid = (prefix: string, index: number) => `${prefix}-0000-4000-8000-${index.toString().padStart(12, '0')}`;
const claimId = (index: number) => uuid('00000000', index);
const sourceId = (index: number) => uuid('11111111', index);
const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
const T0 = Date.parse('2024-01-01T00:00:00.000Z');

interface Row {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

/** The log in a plausible order: sources registered, then claims growing in rounds, re-grades among them. */
function* generate(): Generator<Row> {
  let n = 0;
  const at = () => new Date(T0 + n * 1000);
  const meta = (i: number) => ({ actor: { id: 'bench', name: 'bench' }, correlationId: `bench-${i}`, causationId: `bench-${i}`, requestId: `bench-${i}` });
  for (let s = 0; s < sources; s++, n++) {
    yield {
      streamId: `source-${sourceId(s)}`, version: 1, eventId: uuid('22222222', n), type: 'SourceRegistered',
      data: { sourceId: sourceId(s), name: `Outlet ${s}`, kind: 'news_outlet', reliability: GRADES[s % 5], ...(s % 10 === 0 ? { originGroup: `Network ${s % 7}` } : {}), recordedAt: at().toISOString(), recordedBy: 'bench' },
      metadata: meta(n), recordedAt: at(),
    };
  }
  const regrades = Math.min(sources, Math.max(0, events - sources - claims));
  const claimEvents = events - sources - regrades;
  const perClaim = Math.floor(claimEvents / claims);
  const extra = claimEvents % claims;
  const versions = new Uint8Array(sources);
  versions.fill(1);
  const rounds = perClaim + (extra > 0 ? 1 : 0);
  let regraded = 0;
  for (let round = 0; round < rounds; round++) {
    for (let c = 0; c < claims; c++) {
      if (round >= perClaim && c >= extra) break;
      const id = claimId(c);
      const source = sourceId((c * 7 + round * 13) % sources);
      const report = { reportId: `r-${c}-${round}`, sourceId: source, publishedAt: new Date(T0 - 86_400_000).toISOString(), url: `https://news.example.org/${c}/${round}`, quote: `Report ${round} on claim ${c}` };
      const recorded = { recordedAt: at().toISOString(), recordedBy: 'bench' };
      const data =
        round === 0
          ? { claimId: id, statement: `Claim ${c}: fighters attacked a checkpoint near town ${c % 300}`, category: 'attack', actors: [{ name: `Group ${c % 11}`, role: 'perpetrator' }, { name: 'Army', role: 'target' }], location: { placeName: `Town ${c % 300}`, country: c % 2 ? 'Mali' : 'Niger', precision: 'locality' }, occurred: { start: '2023-12-20', precision: 'day' }, report, ...recorded }
          : round % 5 === 4
            ? { claimId: id, report, reason: 'The army denies it', ...recorded }
            : { claimId: id, report, ...recorded };
      yield { streamId: `claim-${id}`, version: round + 1, eventId: uuid('33333333', n), type: round === 0 ? 'ClaimAsserted' : round % 5 === 4 ? 'ClaimDisputed' : 'ClaimCorroborated', data, metadata: meta(n), recordedAt: at() };
      n++;
      // Re-grades spread over the log, so claims are re-assessed after their reports.
      if (regraded < regrades && n % Math.max(1, Math.floor(claimEvents / regrades)) === 0) {
        const s = regraded % sources;
        const previous = GRADES[(s + versions[s] - 1) % 5];
        const next = GRADES[(s + versions[s]) % 5];
        versions[s] += 1;
        yield {
          streamId: `source-${sourceId(s)}`, version: versions[s], eventId: uuid('44444444', n), type: 'SourceReliabilityRegraded',
          data: { sourceId: sourceId(s), previousReliability: previous, reliability: next, reason: 'Periodic review', recordedAt: at().toISOString(), recordedBy: 'bench' },
          metadata: meta(n), recordedAt: at(),
        };
        regraded++;
        n++;
      }
    }
  }
}

const INSERT = `INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
  SELECT s, v, e, t, 1, d, m, r, decode(h, 'hex')
    FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[], $8::text[]) AS x(s, v, e, t, d, m, r, h)`;

const fill = async (pool: Pool): Promise<number> => {
  const heads = new Map<string, Buffer>();
  const progress = createProgress({ label: 'generate', total: events });
  let batch: Array<Row & { hash: string }> = [];
  let written = 0;
  const flush = async () => {
    const rows = batch;
    batch = [];
    await pool.query(INSERT, [
      rows.map((row) => row.streamId), rows.map((row) => row.version), rows.map((row) => row.eventId), rows.map((row) => row.type),
      rows.map((row) => JSON.stringify(row.data)), rows.map((row) => JSON.stringify(row.metadata)), rows.map((row) => row.recordedAt.toISOString()), rows.map((row) => row.hash),
    ]);
    written += rows.length;
    progress.add(rows.length);
  };
  for (const row of generate()) {
    const previous = heads.get(row.streamId) ?? GENESIS_HASH;
    const hash = chainHashOf(previous, row.version, contentHashOf({ streamId: row.streamId, eventId: row.eventId, type: row.type, schemaVersion: 1, data: row.data, metadata: row.metadata, recordedAt: row.recordedAt }));
    heads.set(row.streamId, hash);
    batch.push({ ...row, hash: hash.toString('hex') });
    if (batch.length >= 5000) await flush();
  }
  if (batch.length) await flush();
  progress.done();
  await pool.query('VACUUM ANALYZE events');
  return written;
};

const main = async () => {
  const name = `bench_rebuild_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  try {
    await migrateAll(url);
    const pool = new Pool({ connectionString: url, max: 4 });
    let written: number;
    try {
      written = await fill(pool);
    } finally {
      await pool.end();
    }
    console.log(`generated ${written.toLocaleString('en-US')} events (${claims.toLocaleString('en-US')} claims, ${sources.toLocaleString('en-US')} sources) in ${name}`);
    // A bounded heap: the rebuild's working set (a few batches) does not grow with N, and the cap keeps V8
    // from growing lazily. Uncapped, V8 lets even the raw read alone reach ~420 MB RSS at 1M events. The
    // young generation is the size `npm run cli` gives it: replay objects die young, and a 32 MB semi-space
    // lets them die there instead of being copied and promoted (GC was a quarter of the rebuild's CPU).
    const output = execFileSync(process.execPath, ['--max-old-space-size=256', '--max-semi-space-size=32', '-r', './infra/register.js', path.join(__dirname, 'rebuild.worker.ts')], {
      env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_FLOOR: values.floor ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const lines = output.trim().split('\n');
    for (const line of lines.slice(0, -1)) console.log(line);
    const result = JSON.parse(lines.at(-1) as string) as Record<string, number>;
    console.log(
      JSON.stringify({
        events: result.events,
        rebuild_eps: result.rebuild_eps,
        raw_read_eps: result.raw_read_eps,
        ratio: result.ratio,
        peak_rss_mb: result.peak_rss_mb,
        ...(values.floor ? { floor_eps: result.floor_eps, floor_ratio: result.floor_ratio } : {}),
        node_cpu_s: result.node_cpu_s,
        postgres_cpu_s: result.postgres_cpu_s,
      }),
    );
  } finally {
    if (!values.keep) await dropDatabase(adminUrl, name);
    else console.error(`kept database ${name}`);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
