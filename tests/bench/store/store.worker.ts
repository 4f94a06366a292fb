// Contender (a): this project's PgEventStore. Phases: sequential / concurrent appends, or a full readAll.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { type EventStoreLogger, LOG_START, PgEventStore, type LogPosition } from '@claims/event-store';
import { EVENT_TYPE, Meter, type PlannedAppend, type WorkerArgs, now, planAppends, reportPayload, runWorker, runWriters, splitByStream } from './bench.shared';

const silent: EventStoreLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const appendOne = async (store: PgEventStore, { streamId, version }: PlannedAppend): Promise<void> => {
  const result = await store.append(streamId, [{ eventId: randomUUID(), type: EVENT_TYPE, data: reportPayload(streamId, version) }], {
    expectedVersion: version - 1,
  });
  if (result.nextExpectedVersion !== version) throw new Error(`${streamId}: expected version ${version}, got ${result.nextExpectedVersion}`);
};

const main = async (args: WorkerArgs) => {
  const pool = new Pool({ connectionString: args.databaseUrl, max: Math.max(1, args.concurrency) });
  const store = new PgEventStore({ pool, logger: silent });
  try {
    if (args.phase === 'read') return await readAll(store, args);
    const writers = args.phase === 'concurrent' ? args.concurrency : 1;
    const warmup = splitByStream(planAppends(args.warmup, Math.ceil(args.warmup / 10), `warmup-${args.phase}-`), writers);
    await runWriters(warmup, (append) => appendOne(store, append));

    const plan = splitByStream(planAppends(args.events, args.streams), writers);
    const meter = new Meter(args.events);
    meter.start();
    await runWriters(plan, async (append) => {
      const startedAt = now();
      await appendOne(store, append);
      meter.record(now() - startedAt);
    });
    return meter.finish('store', args.phase, { writers });
  } finally {
    await store.close();
    await pool.end();
  }
};

// The log is gap-safe: rows of transactions at or after the cluster-wide oldest running transaction (which can
// belong to any database on the server) are held back. When a read comes back empty but rows remain, the bench
// waits for those transactions to end; the waits are reported and excluded from the timing.
const readAll = async (store: PgEventStore, args: WorkerArgs) => {
  const meter = new Meter(0);
  let after: LogPosition = LOG_START;
  let batches = 0;
  let waitedMs = 0;
  meter.start();
  for (;;) {
    const startedAt = now();
    const { events, next } = await store.readAll({ after, limit: args.batch });
    if (events.length === 0) {
      if (!(await store.hasEventsAfter(after))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
      waitedMs += now() - startedAt;
      meter.exclude(now() - startedAt);
      continue;
    }
    meter.record(now() - startedAt, events.length);
    batches++;
    after = next;
  }
  return meter.finish('store', 'read', { batches, batchSize: args.batch, heldBackWaitMs: Math.round(waitedMs) });
};

runWorker(main);
