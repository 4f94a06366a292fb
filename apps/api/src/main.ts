import 'reflect-metadata';
import { PgEventStore } from '@claims/event-store';
import { BacklogMonitor, ClaimLedgerMetrics, exitOnStartupFailure, loadConfiguration, loadMasterKey, loadMetricsConfig, metricsListenOptions, startTracing, StartupProblem } from '@claims/platform';
import { AppModule } from './app.module';
import { loadAuditSigning } from './audit/audit-signing.config';
import { createFirstAdminKey } from './auth/first-admin-key';
import { loadAppConfig } from './config/app-config';
import { openDatabase } from './database/database';
import { createFeedRelay } from './feeds/feed-relay.factory';
import { createApiApp } from './http/configure-http';
import { masterKeyProblem } from './protection/subject-data-keys';
import { createLogger, PinoNestLogger } from './logging/logger';

const main = async () => {
  const config = loadConfiguration(loadAppConfig);
  const metricsConfig = loadConfiguration(loadMetricsConfig);
  const logger = createLogger(config.LOG_LEVEL);
  // Before anything makes a span: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md).
  const tracing = await startTracing({ serviceName: 'claim-ledger-api' });
  const database = await openDatabase(config, logger);
  const eventStore = new PgEventStore({ pool: database.pool, logger: logger.child({ component: 'event-store' }) });

  const metrics = new ClaimLedgerMetrics({ backlog: new BacklogMonitor(database.pool) });
  const metricsListen = metricsListenOptions(metricsConfig);
  const relay = createFeedRelay(config, database.pool, eventStore, logger, (topic, count) => metrics.feedPublished.inc({ topic }, count));
  const signing = await loadAuditSigning(config);
  if (signing.signer) logger.info({ origin: signing.origin, verifierKey: signing.signer.verifierKey, keyFrom: signing.source }, 'transparency log checkpoints are signed');
  else logger.warn({ origin: signing.origin }, 'no AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE: checkpoints carry the tree root but no signed note (docs/transparency-log.md)');

  // Confidential sources: without the master key that wrapped their data keys, refuse to start (one line, no key in it).
  const masterKey = await loadMasterKey(config);
  const keyProblem = await masterKeyProblem(database.pool, masterKey);
  if (keyProblem) throw new StartupProblem(keyProblem);
  if (masterKey) logger.info({ masterKeyId: masterKey.id, keyFrom: masterKey.source }, 'confidential sources are sealed with a data key per source');

  // The embedded default is a fresh install: it hands out the first admin key. A deployment with its own
  // database does so only when asked (BOOTSTRAP_ADMIN_KEY=true); usually it runs `npm run cli -- keys create`.
  const firstAdminKey = !config.DATABASE_URL || config.BOOTSTRAP_ADMIN_KEY === 'true' ? await createFirstAdminKey(database.pool, eventStore, new Date()) : undefined;

  const app = await createApiApp(
    AppModule.create(database, eventStore, { relay, heartbeatMs: config.FEED_HEARTBEAT_SECONDS * 1000, maxStreamsPerKey: config.FEED_STREAMS_PER_KEY, maxStreams: config.FEED_STREAMS_MAX }, {
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      keyCacheTtlMs: config.API_KEY_CACHE_SECONDS * 1000,
      failedAuthenticationsPerMinute: config.AUTH_FAILURES_PER_MINUTE,
    }, {
      checkpointIntervalMs: config.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000,
      treeIntervalMs: 5000,
      signing: { origin: signing.origin, ...(signing.signer ? { signer: signing.signer } : {}) },
      witnessKeys: signing.witnessKeys,
    }, masterKey ? { masterKey } : {}, { metrics, ...(metricsListen ? { listen: metricsListen } : {}) }),
    { logger: new PinoNestLogger(logger), accessLogger: logger.child({ component: 'http' }) },
  );
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  relay?.start();
  const address = `http://localhost:${config.PORT}`;
  logger.info({ url: address, database: database.description, metrics: metricsListen ? `http://${metricsListen.host}:${metricsListen.port}/metrics` : 'off', tracing: tracing ? 'otlp' : 'off' }, 'claim-ledger API ready');
  const feed = relay ? `Kafka ${config.KAFKA_BROKERS} (relay in this process)` : config.KAFKA_BROKERS ? `Kafka ${config.KAFKA_BROKERS} (relay: apps/worker)` : 'outbox + HTTP feed only (KAFKA_BROKERS unset)';
  const keyLines = firstAdminKey
    ? `\n  admin key: ${firstAdminKey.secret}\n             save it now: it will not be shown again. It only manages keys: create keys for people with\n             POST ${address}/admin/api-keys or \`npm run cli -- keys create --name <name> --role editor\`.\n`
    : '';
  console.log(`\nclaim-ledger is running\n  API:      ${address}\n  docs:     ${address}/docs\n  console:  ${address}/console\n  health:   ${address}/health\n  database: ${database.description}\n  feeds:    ${feed}\n${keyLines}`);
  if (firstAdminKey) logger.info({ keyId: firstAdminKey.keyId }, 'first admin key created (its secret was printed once)');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await relay?.stop();
    await app.close();
    await eventStore.close();
    await database.close();
    await tracing?.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};

// A problem in the configuration is one line the operator can act on; anything else is a bug and keeps its stack.
main().catch(exitOnStartupFailure('claim-ledger'));
