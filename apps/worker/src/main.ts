import pino from 'pino';
import { PgEventStore } from '@claims/event-store';
import { FeedRelay, loadWebhookConfig, parseBrokers, WebhookDispatcher, webhookDispatcherSettings } from '@claims/feed';
import { appPoolConfig, assertAppendOnlyConnection, createPool, exitOnStartupFailure, explainingConnectionProblems, loadConfiguration, migrateAll, redactUrl } from '@claims/platform';
import { loadWorkerConfig } from './worker-config';

/**
 * The feed relay as its own process, for production: publishes the outbox to `claims.status.v1` and the
 * event log to `claims.events.v1`. Run several for availability: one is active, the others stand by
 * (set FEED_RELAY=off on the API processes then). SIGTERM stops it after the batch in flight.
 */
const main = async () => {
  const config = loadConfiguration(loadWorkerConfig);
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'claim-ledger-worker' } });
  await explainingConnectionProblems(config.DATABASE_URL, 'DATABASE_URL', () => migrateAll(config.DATABASE_URL, (line) => logger.debug({ component: 'migrations' }, line)));
  // Like the API, the relay works as the application role: it can read and append events, never rewrite them.
  const pool = createPool({ ...appPoolConfig(config.DATABASE_URL, config.DATABASE_APP_URL), max: config.DATABASE_POOL_SIZE, application_name: 'claim-ledger-worker' }, logger);
  await explainingConnectionProblems(config.DATABASE_APP_URL ?? config.DATABASE_URL, config.DATABASE_APP_URL ? 'DATABASE_APP_URL' : 'DATABASE_URL', () => assertAppendOnlyConnection(pool));
  const store = new PgEventStore({ pool, logger: logger.child({ component: 'event-store' }) });
  const relay = new FeedRelay({
    pool,
    log: store,
    logger: logger.child({ component: 'feed-relay' }),
    batchSize: config.FEED_BATCH_SIZE,
    kafka: {
      brokers: parseBrokers(config.KAFKA_BROKERS) ?? [],
      clientId: config.KAFKA_CLIENT_ID,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      statusPartitions: config.KAFKA_STATUS_PARTITIONS,
      eventsPartitions: config.KAFKA_EVENTS_PARTITIONS,
    },
  });
  relay.start();
  // Webhook deliveries too (WEBHOOK_* variables); several workers and API processes share them safely.
  const webhooks = loadConfiguration(loadWebhookConfig);
  const dispatcher = webhooks.WEBHOOK_DISPATCHER === 'on' ? new WebhookDispatcher({ pool, logger: logger.child({ component: 'webhooks' }), ...webhookDispatcherSettings(webhooks) }) : undefined;
  dispatcher?.start();
  logger.info({ database: redactUrl(config.DATABASE_URL), brokers: config.KAFKA_BROKERS, pid: process.pid }, 'claim-ledger worker started');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down');
    await relay.stop();
    await dispatcher?.stop();
    await store.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};

main().catch(exitOnStartupFailure('claim-ledger worker'));
