import pino from 'pino';
import { PgEventStore } from '@claims/event-store';
import { FeedRelay, feedKafkaConfigOf, loadWebhookConfig, WebhookDispatcher, webhookDispatcherSettings } from '@claims/feed';
import {
  appPoolConfig,
  assertAppendOnlyConnection,
  BacklogMonitor,
  ClaimLedgerMetrics,
  createPool,
  exitOnStartupFailure,
  explainingConnectionProblems,
  loadConfiguration,
  loadMetricsConfig,
  metricsListenOptions,
  migrateAll,
  redactUrl,
  startMetricsListener,
  startTracing,
} from '@claims/platform';
import { loadWorkerConfig } from './worker-config';

/**
 * The feed relay as its own process, for production: publishes the outbox to `claims.status.v1` and the
 * event log to `claims.events.v1`. Run several for availability: one is active, the others stand by
 * (set FEED_RELAY=off on the API processes then). SIGTERM stops it after the batch in flight.
 */
const main = async () => {
  const config = loadConfiguration(loadWorkerConfig);
  const metricsListen = metricsListenOptions(loadConfiguration(loadMetricsConfig));
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'claim-ledger-worker' } });
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: the relay's publish spans continue the requests' traces.
  const tracing = await startTracing({ serviceName: 'claim-ledger-worker' });
  await explainingConnectionProblems(config.DATABASE_URL, 'DATABASE_URL', () => migrateAll(config.DATABASE_URL, (line) => logger.debug({ component: 'migrations' }, line)));
  // Like the API, the relay works as the application role: it can read and append events, never rewrite them.
  const pool = createPool({ ...appPoolConfig(config.DATABASE_URL, config.DATABASE_APP_URL), max: config.DATABASE_POOL_SIZE, application_name: 'claim-ledger-worker' }, logger);
  await explainingConnectionProblems(config.DATABASE_APP_URL ?? config.DATABASE_URL, config.DATABASE_APP_URL ? 'DATABASE_APP_URL' : 'DATABASE_URL', () => assertAppendOnlyConnection(pool));
  const store = new PgEventStore({ pool, logger: logger.child({ component: 'event-store' }) });
  // The same series as the API's (docs/observability.md) on this process's own listener.
  const metrics = new ClaimLedgerMetrics({ backlog: new BacklogMonitor(pool) });
  store.onAppended((count) => metrics.eventsAppended.inc(count));
  const relay = new FeedRelay({
    pool,
    log: store,
    logger: logger.child({ component: 'feed-relay' }),
    batchSize: config.FEED_BATCH_SIZE,
    kafka: feedKafkaConfigOf(config),
    onPublished: (topic, count) => metrics.feedPublished.inc({ topic }, count),
  });
  // A taken port costs the metrics, not the relay: several workers on one host need their own METRICS_PORT.
  const metricsListener = metricsListen
    ? await startMetricsListener(metrics, metricsListen).catch((error: unknown) => {
        logger.error({ host: metricsListen.host, port: metricsListen.port, err: error instanceof Error ? error.message : String(error) }, 'no metrics listener (set METRICS_PORT, 0 for none)');
        return undefined;
      })
    : undefined;
  relay.start();
  // Webhook deliveries too (WEBHOOK_* variables); several workers and API processes share them safely.
  const webhooks = loadConfiguration(loadWebhookConfig);
  const dispatcher = webhooks.WEBHOOK_DISPATCHER === 'on' ? new WebhookDispatcher({ pool, logger: logger.child({ component: 'webhooks' }), ...webhookDispatcherSettings(webhooks) }) : undefined;
  dispatcher?.start();
  logger.info(
    { database: redactUrl(config.DATABASE_URL), brokers: config.KAFKA_BROKERS, pid: process.pid, metrics: metricsListener ? `http://${metricsListener.host}:${metricsListener.port}/metrics` : 'off', tracing: tracing ? 'otlp' : 'off' },
    'claim-ledger worker started',
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down');
    await relay.stop();
    await dispatcher?.stop();
    await metricsListener?.close();
    await store.close();
    await pool.end();
    await tracing?.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};

main().catch(exitOnStartupFailure('claim-ledger worker'));
