import { ensureConsoleBuilt } from '../../apps/api/src/console/console-build';
import { startTestKafka, type TestKafka } from './kafka-server';
import { startTestPostgres, type TestPostgres } from './postgres-server';

declare global {
  var testPostgres: TestPostgres | undefined;
  var testKafka: TestKafka | undefined;
}

/** Starts (or finds) the shared servers once per run and hands their URLs to the test workers via env. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const postgres = await startTestPostgres();
  globalThis.testPostgres = postgres;
  process.env.TEST_POSTGRES_ADMIN_URL = postgres.adminUrl;
  process.stdout.write(`\nintegration tests: PostgreSQL from ${postgres.description}, ready in ${Date.now() - started} ms\n`);

  const kafkaStarted = Date.now();
  const kafka = await startTestKafka();
  globalThis.testKafka = kafka;
  process.env.TEST_KAFKA_BROKERS = kafka.brokers;
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.stdout.write(`integration tests: Kafka from ${kafka.description}, ready in ${Date.now() - kafkaStarted} ms\n`);

  // The API serves the review console's build at /console: build it when missing or older than its sources.
  if (ensureConsoleBuilt()) process.stdout.write('integration tests: review console built (apps/console/dist)\n');
}
