// Contender (c): the floor. One plain `pg` single-row INSERT per event, autocommit, into the minimal table
//   raw_events (id bigserial PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, data jsonb NOT NULL)
// created by the orchestrator. No version check, no uniqueness, no idempotency: one durable row per round trip.
import { Pool } from 'pg';
import { Meter, type PlannedAppend, type WorkerArgs, now, planAppends, reportPayload, runWorker, runWriters, splitByStream } from './bench.shared';

export const RAW_TABLE_SQL = `CREATE TABLE raw_events (
  id        bigserial PRIMARY KEY,
  stream_id text  NOT NULL,
  version   int   NOT NULL,
  data      jsonb NOT NULL
)`;

const INSERT = { name: 'raw_insert', text: 'INSERT INTO raw_events (stream_id, version, data) VALUES ($1, $2, $3::jsonb)' };

const main = async (args: WorkerArgs) => {
  if (args.phase === 'read') throw new Error('the raw contender has no read phase');
  const pool = new Pool({ connectionString: args.databaseUrl, max: Math.max(1, args.concurrency) });
  const insertOne = async ({ streamId, version }: PlannedAppend) => {
    await pool.query({ ...INSERT, values: [streamId, version, JSON.stringify(reportPayload(streamId, version))] });
  };
  try {
    const writers = args.phase === 'concurrent' ? args.concurrency : 1;
    await runWriters(splitByStream(planAppends(args.warmup, Math.ceil(args.warmup / 10), `warmup-${args.phase}-`), writers), insertOne);

    const meter = new Meter(args.events);
    meter.start();
    await runWriters(splitByStream(planAppends(args.events, args.streams), writers), async (append) => {
      const startedAt = now();
      await insertOne(append);
      meter.record(now() - startedAt);
    });
    return meter.finish('raw', args.phase, { writers });
  } finally {
    await pool.end();
  }
};

if (require.main === module) runWorker(main);
