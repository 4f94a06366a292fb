// Contender (b): @event-driven-io/emmett-postgresql, the nearest peer on npm, used as its README shows:
// getPostgreSQLEventStore(connectionString) and appendToStream(stream, [event], { expectedStreamVersion }).
// Runs in its own process: Emmett (through dumbo) makes `pg` parse int8 as BigInt for the whole process.
import { Pool } from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { EVENT_TYPE, Meter, type PlannedAppend, type WorkerArgs, now, planAppends, reportPayload, runWorker, runWriters, splitByStream } from './bench.shared';

const main = async (args: WorkerArgs) => {
  if (args.phase === 'read') throw new Error('the Emmett contender has no read phase');
  // Same pool size as the other contenders (Emmett's default is a pg.Pool with pg's default max of 10).
  const pool = new Pool({ connectionString: args.databaseUrl, max: Math.max(1, args.concurrency) });
  const store = getPostgreSQLEventStore(args.databaseUrl, { connectionOptions: { pool } });
  await store.schema.migrate(); // otherwise the first append migrates

  const appendOne = async ({ streamId, version }: PlannedAppend) => {
    // Emmett's stream version counts events like ours (0n: no stream yet). It generates the message id itself.
    const result = await store.appendToStream(
      streamId,
      [{ type: EVENT_TYPE, data: reportPayload(streamId, version) }],
      { expectedStreamVersion: BigInt(version - 1) },
    );
    if (result.nextExpectedStreamVersion !== BigInt(version)) {
      throw new Error(`${streamId}: expected version ${version}, got ${String(result.nextExpectedStreamVersion)}`);
    }
  };
  try {
    const writers = args.phase === 'concurrent' ? args.concurrency : 1;
    await runWriters(splitByStream(planAppends(args.warmup, Math.ceil(args.warmup / 10), `warmup-${args.phase}-`), writers), appendOne);

    const meter = new Meter(args.events);
    meter.start();
    await runWriters(splitByStream(planAppends(args.events, args.streams), writers), async (append) => {
      const startedAt = now();
      await appendOne(append);
      meter.record(now() - startedAt);
    });
    return meter.finish('emmett', args.phase, { writers });
  } finally {
    await store.close();
    await pool.end().catch(() => undefined);
  }
};

runWorker(main);
