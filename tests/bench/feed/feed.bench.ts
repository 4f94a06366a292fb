// `npm run bench:feed [-- --rate 200 --seconds 60 --claims 500 --driver http|outbox --relay worker|api]`
//
// End-to-end latency of the status feed at a steady rate, in the production layout: the relay runs in the
// real worker process (apps/worker/src/main.ts, `npm run worker`), the API in a process of its own with
// FEED_RELAY=off (feed-api.server.ts), and this process only drives changes and consumes them with kafkajs.
// With the `http` driver (default) a latency runs from the HTTP response of a command that changed a
// claim's status, rating or band to the consumer's receipt of the message it caused; with `outbox`, from
// the commit of a transaction that enqueues a change (the feed alone, no API process). `--relay api`
// measures the single-process `npm start` layout instead: the API process runs the relay, no worker.
// A fresh database is created (and dropped) through DATABASE_URL (default the local server); Kafka is
// KAFKA_BROKERS, or found like the test harness does (testcontainers, infra/kafka/kafka.sh).
// The last stdout line is one JSON object: p50_ms, p99_ms, max_ms, delivered, expected (and the settings).
// BENCH_CONSUMER_COMMIT=on makes the consumer commit offsets after every batch, as kafkajs does by default.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { ClaimStatusChangedV1 } from '@claims/contracts';
import { createKafka, ensureFeedTopics, type FeedKafkaConfig, STATUS_TOPIC, stderrFeedLogger, topicName } from '@claims/feed';
import { dropDatabase, ensureDatabase, migrateAll, redactUrl } from '@claims/platform';
import { createTestApiKey } from '../../support/api-keys';
import { startTestKafka } from '../../support/kafka-server';
import { type BenchChild, childrenInterrupted, forkBenchChild } from '../bench-processes';
import type { FeedApiReady } from './feed-api.server';
import { HttpDriver, OutboxDriver, type StatusChangeDriver } from './status-change.drivers';

// Issue 13: from the command's response to the consumer's receipt, at 200 changes/s.
const TARGET_P50_MS = 25;
const TARGET_P99_MS = 100;
const PROGRESS_EVERY_MS = 5000;
/** How long the relay may take to deliver the warm-up (it starts, connects, creates nothing: the topics exist). */
const WARMUP_TIMEOUT_MS = 60_000;
/** How long after the last command the bench waits for the messages still missing. */
const DRAIN_TIMEOUT_MS = 30_000;

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const choice = <T extends string>(name: string, values: readonly T[]): T => {
  const index = process.argv.indexOf(`--${name}`);
  const value = (index >= 0 ? process.argv[index + 1] : values[0]) as T;
  if (!values.includes(value)) throw new Error(`--${name} must be one of ${values.join(', ')}`);
  return value;
};

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
const round = (value: number) => Math.round(value * 10) / 10;
const print = (line: string) => process.stdout.write(`${line}\n`);

/** CPU seconds (user + system) a process used so far, from /proc (Linux); NaN elsewhere. */
const cpuSeconds = (pid: number): number => {
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, after the command name in parentheses.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
};

/** Busy and total CPU seconds of the whole machine, from /proc/stat (Linux); NaN elsewhere. */
const machineCpu = (): { busy: number; total: number } => {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    // idle and iowait
    return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 };
  } catch {
    return { busy: NaN, total: NaN };
  }
};

/** Undoes what the bench set up, newest first, whichever way it ends (each step's failure is reported, not fatal). */
class Teardown {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> }> = [];
  private running?: Promise<void>;

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        await step.run().catch((error: unknown) => process.stderr.write(`bench:feed: ${step!.what} failed: ${error instanceof Error ? error.message : String(error)}\n`));
      }
    })();
    return this.running;
  }
}

const main = async (teardown: Teardown) => {
  const rate = arg('rate', 200);
  const seconds = arg('seconds', 60);
  const claims = arg('claims', 500);
  const driverName = choice('driver', ['http', 'outbox'] as const);
  const relayIn = choice('relay', ['worker', 'api'] as const);
  if (driverName === 'outbox' && relayIn === 'api') throw new Error('--driver outbox starts no API process: its relay is the worker');
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const kafkaServer = await startTestKafka();
  teardown.add('stopping Kafka', () => kafkaServer.stop());
  const database = `bench_feed_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, database);
  teardown.add(`dropping database ${database}`, () => dropDatabase(adminUrl, database));
  await migrateAll(url);
  const pool = new Pool({ connectionString: url, max: 20 });
  teardown.add('closing the pool', () => pool.end());
  const config: FeedKafkaConfig = { brokers: kafkaServer.brokers.split(','), clientId: 'claim-ledger-bench', topicPrefix: `bench-${randomBytes(3).toString('hex')}.`, statusPartitions: 6 };
  const topic = topicName(config, STATUS_TOPIC);
  print(`bench:feed  PostgreSQL ${redactUrl(adminUrl)} (database ${database}), Kafka ${kafkaServer.description}`);

  const admin = createKafka(config, stderrFeedLogger).admin();
  await admin.connect();
  await ensureFeedTopics(admin, config);
  await admin.disconnect();

  // The consumer first (from the beginning of the fresh topic), so nothing is published before it joined.
  const committedAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  /** Wall-clock receipt of each message, to compare with the database's `published_at` (the same host clock). */
  const receivedWallAt = new Map<string, number>();
  const latencies: number[] = [];
  /** The same, unclamped: negative when the message arrived before the command's response. */
  const signedLatencies: number[] = [];
  const seen = new Set<string>();
  const warmupIds = new Set<string>();
  let early = 0;
  let driver: StatusChangeDriver | undefined;
  const consumer = new Kafka({ clientId: 'claim-ledger-bench-consumer', brokers: config.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  teardown.add('disconnecting the consumer', () => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    // The group is this run's own and reads from the beginning: its offsets serve nothing, and kafkajs
    // would commit them after every batch, a broker round trip before its next fetch.
    autoCommit: process.env.BENCH_CONSUMER_COMMIT === 'on',
    eachMessage: async ({ message }) => {
      const now = performance.now();
      if (!driver) return;
      const id = driver.keyOf(ClaimStatusChangedV1.parse(JSON.parse(message.value?.toString() ?? 'null')), message.headers?.ce_id?.toString() ?? '');
      if (seen.has(id)) return;
      seen.add(id);
      receivedWallAt.set(id, performance.timeOrigin + now);
      if (warmupIds.has(id)) return;
      const committed = committedAt.get(id);
      if (committed === undefined) {
        // Received before the writer saw its COMMIT return: measured when it does.
        receivedAt.set(id, now);
        early++;
      } else {
        latencies.push(now - committed);
        signedLatencies.push(now - committed);
      }
    },
  });
  await joined;

  // The processes of the layout measured. Their environment: the bench's database and topics, no metrics
  // listener (several may run on one host), warnings only.
  const children: Array<BenchChild<unknown>> = [];
  const childEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, KAFKA_BROKERS: kafkaServer.brokers, KAFKA_TOPIC_PREFIX: config.topicPrefix, KAFKA_STATUS_PARTITIONS: String(config.statusPartitions), METRICS_PORT: '0', LOG_LEVEL: 'warn', ...extra };
    // Another database's login must not leak in from the caller's environment.
    delete env.DATABASE_APP_URL;
    return env;
  };
  if (relayIn === 'worker') {
    const worker = await forkBenchChild({ name: 'worker', module: path.join(__dirname, 'feed-worker.child.ts'), env: childEnv({}), waitForReady: false, stopWith: 'SIGTERM' });
    teardown.add('stopping the worker', () => worker.stop());
    children.push(worker);
  }
  if (driverName === 'http') {
    const api = await forkBenchChild<FeedApiReady>({
      name: 'API',
      module: path.join(__dirname, 'feed-api.server.ts'),
      env: childEnv({ FEED_RELAY: relayIn === 'api' ? 'on' : 'off' }),
      waitForReady: true,
      stopWith: 'message',
    });
    teardown.add('stopping the API', () => api.stop());
    children.push(api);
    const editor = await createTestApiKey(pool, 'editor', { name: 'bench editor' });
    const sources = await HttpDriver.registerSources(api.ready.base, editor.header.Authorization, 50);
    driver = new HttpDriver(api.ready.base, editor.header.Authorization, claims, sources);
  } else {
    driver = new OutboxDriver(pool, claims);
  }
  const anyDied = Promise.race(children.map((child) => child.died));
  print(`layout: ${children.map((child) => `${child.name} pid ${child.pid}`).join(', ')}; relay in the ${relayIn === 'worker' ? 'worker (apps/worker)' : 'API process (npm start)'}; driver and consumer in pid ${process.pid}`);

  /** Resolves once `done()` holds (checked every 50 ms); rejects after `timeoutMs` or when a child dies. */
  const waitUntil = (done: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    Promise.race([
      anyDied,
      (async () => {
        const deadline = Date.now() + timeoutMs;
        while (!done()) {
          if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
    ]);

  // Warm-up, untimed: connections, prepared statements, the producer's first requests; it also proves the
  // relay is active (the worker says nothing at LOG_LEVEL=warn).
  const warmup = Math.min(200, rate);
  for (let sequence = 0; sequence < warmup; sequence++) {
    const key = await Promise.race([anyDied, driver.change(1_000_000 + sequence)]);
    if (key) warmupIds.add(key);
  }
  await waitUntil(() => [...warmupIds].every((id) => seen.has(id)), WARMUP_TIMEOUT_MS, 'the warm-up was not delivered');
  latencies.length = 0;
  signedLatencies.length = 0;
  driver.writeMs.length = 0;
  early = 0;
  const expected = Math.round(rate * seconds);
  print(`driving ${expected} commands through the ${driver.name} driver at ${rate}/s for ${seconds} s (${claims} claims)`);
  // The database's clock at the start, so the outbox figures below leave the warm-up out.
  const { rows: startedRows } = await pool.query<{ at: Date }>('SELECT clock_timestamp() AS at');
  // Who used the two cores (the bench's own process included: a late receipt may be its own event loop).
  const processes = [...children.map((child) => ({ name: child.name, pid: child.pid })), { name: 'bench', pid: process.pid }];
  const cpuBefore = processes.map((entry) => cpuSeconds(entry.pid));
  const machineBefore = machineCpu();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = performance.now();
  const writes: Promise<void>[] = [];
  let failed = 0;
  let unchanged = 0;
  let answered = 0;
  let reported = 0;
  const progress = setInterval(() => {
    const window = latencies.slice(reported).sort((a, b) => a - b);
    reported += window.length;
    print(
      `  ${Math.round((performance.now() - started) / 1000)} s: ${writes.length} sent, ${answered} answered, ${seen.size - warmupIds.size} received; ` +
        `last ${PROGRESS_EVERY_MS / 1000} s: p50 ${round(percentile(window, 50))} ms, p99 ${round(percentile(window, 99))} ms, max ${round(window.at(-1) ?? NaN)} ms`,
    );
  }, PROGRESS_EVERY_MS);
  teardown.add('stopping the progress lines', async () => clearInterval(progress));
  for (let sequence = 0; sequence < expected; sequence++) {
    const due = started + (sequence * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await Promise.race([anyDied, new Promise((resolve) => setTimeout(resolve, wait))]);
    writes.push(
      driver.change(sequence).then(
        (id) => {
          answered++;
          if (id === undefined) return void unchanged++;
          const now = performance.now();
          committedAt.set(id, now);
          const received = receivedAt.get(id);
          if (received !== undefined) {
            latencies.push(Math.max(0, received - now));
            signedLatencies.push(received - now);
          }
        },
        (error: unknown) => {
          answered++;
          if (failed++ < 3) process.stderr.write(`command ${sequence} failed: ${error instanceof Error ? error.message : String(error)}\n`);
        },
      ),
    );
  }
  await Promise.race([anyDied, Promise.all(writes)]);
  const writeSeconds = (performance.now() - started) / 1000;
  const changes = expected - failed - unchanged;
  await waitUntil(() => seen.size - warmupIds.size >= changes, DRAIN_TIMEOUT_MS, 'delivery').catch((error: unknown) => {
    // Missing messages are a result (delivered < expected), a dead child is not.
    if (error instanceof Error && error.message.startsWith('delivery')) return;
    throw error;
  });
  clearInterval(progress);
  loopDelay.disable();
  const elapsed = (performance.now() - started) / 1000;
  const cores = Object.fromEntries(processes.map((entry, index) => [entry.name, Math.round(((cpuSeconds(entry.pid) - cpuBefore[index]) / elapsed) * 100) / 100]));
  const machineAfter = machineCpu();
  // All cores busy means every process, the relay and this consumer included, waits for a core.
  cores.machine_busy = Math.round((machineAfter.busy - machineBefore.busy) / ((machineAfter.total - machineBefore.total) / os.cpus().length) * 100) / 100;

  // Where the time went, from the database's clocks: a row's insert (inside the command, before its COMMIT)
  // to the relay marking it published (after the broker acknowledged it). The rest of a latency is the
  // command's own COMMIT and response, and Kafka to the consumer.
  const { rows: outboxRows } = await pool.query<{ message_id: string; payload: unknown; enqueued_at: Date; published_at: Date }>(
    `SELECT message_id, payload, enqueued_at, published_at FROM feed_outbox WHERE published_at IS NOT NULL AND enqueued_at >= $1`,
    [startedRows[0].at],
  );
  // And from that mark to the consumer's receipt (the host's one clock, millisecond resolution): Kafka's
  // fetch and this process's event loop. Negative when the message arrived before the relay's UPDATE ran.
  const insertToAcked = outboxRows.map((row) => row.published_at.getTime() - row.enqueued_at.getTime()).sort((a, b) => a - b);
  const ackedToReceived = outboxRows
    .map((row) => {
      const received = receivedWallAt.get(driver!.keyOf(ClaimStatusChangedV1.parse(row.payload), row.message_id));
      return received === undefined ? undefined : received - row.published_at.getTime();
    })
    .filter((ms): ms is number => ms !== undefined)
    .sort((a, b) => a - b);

  const sorted = [...latencies].sort((a, b) => a - b);
  const delivered = seen.size - warmupIds.size;
  const result = {
    driver: driver.name,
    relay: relayIn,
    rate,
    seconds,
    achieved_rate: round(expected / writeSeconds),
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? NaN),
    commands: expected,
    commands_without_change: unchanged,
    delivered,
    expected: changes,
    failed_writes: failed,
    received_before_commit_returned: early,
    // Unclamped: how far ahead of (negative) or behind the command's answer the message arrived.
    signed_p50_ms: round(percentile([...signedLatencies].sort((a, b) => a - b), 50)),
    write_p50_ms: round(percentile([...driver.writeMs].sort((a, b) => a - b), 50)),
    write_p99_ms: round(percentile([...driver.writeMs].sort((a, b) => a - b), 99)),
    insert_to_acked_p50_ms: round(percentile(insertToAcked, 50)),
    insert_to_acked_p99_ms: round(percentile(insertToAcked, 99)),
    acked_to_received_p50_ms: round(percentile(ackedToReceived, 50)),
    acked_to_received_p99_ms: round(percentile(ackedToReceived, 99)),
    cores_used: cores,
    bench_event_loop_delay_p99_ms: round(loopDelay.percentile(99) / 1e6),
    target_p50_ms: TARGET_P50_MS,
    target_p99_ms: TARGET_P99_MS,
    ok: delivered === changes && failed === 0 && percentile(sorted, 50) <= TARGET_P50_MS && percentile(sorted, 99) < TARGET_P99_MS,
  };
  await teardown.run();
  print(`\n  delivered ${result.delivered}/${result.expected}   p50 ${result.p50_ms} ms   p99 ${result.p99_ms} ms   max ${result.max_ms} ms   (targets p50 <= ${TARGET_P50_MS} ms, p99 < ${TARGET_P99_MS} ms)   outbox insert -> acked p50 ${result.insert_to_acked_p50_ms} ms, p99 ${result.insert_to_acked_p99_ms} ms; acked -> received p50 ${result.acked_to_received_p50_ms} ms, p99 ${result.acked_to_received_p99_ms} ms\n`);
  print(JSON.stringify(result));
};

const teardown = new Teardown();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    childrenInterrupted();
    process.stderr.write(`bench:feed: ${signal}, cleaning up\n`);
    void teardown.run().finally(() => process.exit(130));
  });
}
main(teardown).catch(async (error) => {
  console.error('bench:feed failed:', error instanceof Error ? error.stack : error);
  await teardown.run();
  process.exit(1);
});
