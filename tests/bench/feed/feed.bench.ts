// `npm run bench:feed [-- --rate 200 --seconds 60 --claims 500 --driver http|outbox]`
//
// End-to-end latency of the status feed at a steady rate: with the `http` driver (default), from the HTTP
// response of a command that changed a claim's status, rating or band to a kafkajs consumer's receipt of
// the message it caused (the API, with its relay, runs in this process as `npm start` runs it); with
// `outbox`, from the commit of a transaction that enqueues a change (the feed alone). A fresh database is created (and dropped) through DATABASE_URL (default the local
// server); Kafka is KAFKA_BROKERS, or found like the test harness does (testcontainers, infra/kafka/kafka.sh).
// The last stdout line is one JSON object: p50_ms, p99_ms, max_ms, delivered, expected (and the settings).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, migrateAll, redactUrl } from '@claims/platform';
import { createKafka, ensureFeedTopics, FeedRelay, type FeedKafkaConfig, STATUS_TOPIC, stderrFeedLogger, topicName } from '@claims/feed';
import { startTestKafka } from '../../support/kafka-server';
import type { INestApplication } from '@nestjs/common';
import { ClaimStatusChangedV1 } from '@claims/contracts';
import { PgEventStore } from '@claims/event-store';
import { appPoolConfig } from '@claims/platform';
import { AppModule } from '../../../apps/api/src/app.module';
import { createApiApp } from '../../../apps/api/src/http/configure-http';
import { createTestApiKey } from '../../support/api-keys';
import { HttpDriver, OutboxDriver, type StatusChangeDriver } from './status-change.drivers';

// Issue 13: from the command's response to the consumer's receipt, at 200 changes/s.
const TARGET_P50_MS = 25;
const TARGET_P99_MS = 100;

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
const round = (value: number) => Math.round(value * 10) / 10;

const main = async () => {
  const rate = arg('rate', 200);
  const seconds = arg('seconds', 60);
  const claims = arg('claims', 500);
  const driverName = process.argv.includes('--driver') ? process.argv[process.argv.indexOf('--driver') + 1] : 'http';
  if (driverName !== 'http' && driverName !== 'outbox') throw new Error('--driver must be http or outbox');
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const kafkaServer = await startTestKafka();
  const database = `bench_feed_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, database);
  await migrateAll(url);
  const pool = new Pool({ connectionString: url, max: 20 });
  const config: FeedKafkaConfig = { brokers: kafkaServer.brokers.split(','), clientId: 'claim-ledger-bench', topicPrefix: `bench-${randomBytes(3).toString('hex')}.`, statusPartitions: 6 };
  const topic = topicName(config, STATUS_TOPIC);
  process.stdout.write(`bench:feed  PostgreSQL ${redactUrl(adminUrl)} (database ${database}), Kafka ${kafkaServer.description}\n`);

  const admin = createKafka(config, stderrFeedLogger).admin();
  await admin.connect();
  await ensureFeedTopics(admin, config);
  await admin.disconnect();

  let app: INestApplication | undefined;
  let closeApi = async () => undefined as void;
  let driver: StatusChangeDriver;
  if (driverName === 'http') {
    // The API as main.ts builds it (application role, rate limit out of the way), on an ephemeral port.
    const appPool = new Pool({ ...appPoolConfig(url), max: 20 });
    const store = new PgEventStore({ pool: appPool });
    closeApi = async () => {
      await app?.close();
      await store.close();
      await appPool.end();
    };
    const apiDatabase = { url, pool: appPool, description: `bench database ${database}`, close: () => appPool.end() };
    app = await createApiApp(AppModule.create(apiDatabase, store, {}, { rateLimitPerMinute: 10_000_000 }, { checkpointIntervalMs: 0 }), { logger: false });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as import('node:net').AddressInfo).port}`;
    const editor = await createTestApiKey(pool, 'editor', { name: 'bench editor' });
    const sources = await HttpDriver.registerSources(base, editor.header.Authorization, 50);
    driver = new HttpDriver(base, editor.header.Authorization, claims, sources);
  } else {
    driver = new OutboxDriver(pool, claims);
  }

  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const seen = new Set<string>();
  const warmupIds = new Set<string>();
  let early = 0;
  const consumer = new Kafka({ clientId: 'claim-ledger-bench-consumer', brokers: config.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 50,
  });
  const receivedAt = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const now = performance.now();
      const id = driver.keyOf(ClaimStatusChangedV1.parse(JSON.parse(message.value?.toString() ?? 'null')), message.headers?.ce_id?.toString() ?? '');
      if (seen.has(id)) return;
      seen.add(id);
      if (warmupIds.has(id)) return;
      const committed = committedAt.get(id);
      if (committed === undefined) {
        // Received before the writer saw its COMMIT return: measured when it does.
        receivedAt.set(id, now);
        early++;
      } else latencies.push(now - committed);
    },
  });
  await joined;

  const relay = new FeedRelay({ pool, kafka: config, logger: stderrFeedLogger });
  relay.start();

  // Warm-up, untimed: connections, prepared statements, the producer's first requests.
  const warmup = Math.min(200, rate);
  for (let sequence = 0; sequence < warmup; sequence++) {
    const key = await driver.change(1_000_000 + sequence);
    if (key) warmupIds.add(key);
  }
  while ([...warmupIds].some((id) => !seen.has(id))) await new Promise((resolve) => setTimeout(resolve, 50));
  latencies.length = 0;
  early = 0;
  const expected = Math.round(rate * seconds);
  process.stdout.write(`driving ${expected} commands through the ${driver.name} driver at ${rate}/s for ${seconds} s (${claims} claims)\n`);
  const started = performance.now();
  const writes: Promise<void>[] = [];
  let failed = 0;
  let unchanged = 0;
  for (let sequence = 0; sequence < expected; sequence++) {
    const due = started + (sequence * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    writes.push(
      driver.change(sequence).then(
        (id) => {
          if (id === undefined) return void unchanged++;
          const now = performance.now();
          committedAt.set(id, now);
          const received = receivedAt.get(id);
          if (received !== undefined) latencies.push(Math.max(0, received - now));
        },
        (error: unknown) => {
          if (failed++ < 3) process.stderr.write(`command ${sequence} failed: ${error instanceof Error ? error.message : String(error)}\n`);
        },
      ),
    );
  }
  await Promise.all(writes);
  const writeSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + 30_000;
  const changes = expected - failed - unchanged;
  while (seen.size - warmupIds.size < changes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

  // Where the time went, from the database's clocks: a row's insert (inside the command, before its COMMIT)
  // to the relay marking it published (after the broker acknowledged it). The rest of a latency is the
  // command's own COMMIT and response, and Kafka to the consumer.
  const { rows: outboxTimes } = await pool.query<{ p50: number | null; p99: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM (SELECT extract(epoch FROM published_at - enqueued_at) * 1000 AS ms FROM feed_outbox
              WHERE published_at IS NOT NULL AND enqueued_at >= now() - make_interval(secs => $1)) AS t`,
    [Math.ceil((performance.now() - started) / 1000)],
  );
  await closeApi();
  await relay.stop();
  await consumer.disconnect();
  await pool.end();
  await dropDatabase(adminUrl, database);
  await kafkaServer.stop();

  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    driver: driver.name,
    rate,
    seconds,
    achieved_rate: round(expected / writeSeconds),
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? NaN),
    commands: expected,
    commands_without_change: unchanged,
    delivered: seen.size - warmupIds.size,
    expected: changes,
    failed_writes: failed,
    received_before_commit_returned: early,
    insert_to_acked_p50_ms: round(Number(outboxTimes[0]?.p50 ?? NaN)),
    insert_to_acked_p99_ms: round(Number(outboxTimes[0]?.p99 ?? NaN)),
    target_p50_ms: TARGET_P50_MS,
    target_p99_ms: TARGET_P99_MS,
    ok: seen.size - warmupIds.size === changes && failed === 0 && percentile(sorted, 50) <= TARGET_P50_MS && percentile(sorted, 99) < TARGET_P99_MS,
  };
  process.stdout.write(`\n  delivered ${result.delivered}/${result.expected}   p50 ${result.p50_ms} ms   p99 ${result.p99_ms} ms   max ${result.max_ms} ms   (targets p50 <= ${TARGET_P50_MS} ms, p99 < ${TARGET_P99_MS} ms)   outbox insert -> acked p50 ${result.insert_to_acked_p50_ms} ms, p99 ${result.insert_to_acked_p99_ms} ms\n\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

main().catch((error) => {
  console.error('bench:feed failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
