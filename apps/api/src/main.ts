import 'reflect-metadata';
import { PgEventStore } from '@claims/event-store';
import { AppModule } from './app.module';
import { loadAppConfig } from './config/app-config';
import { openDatabase } from './database/database';
import { createFeedRelay } from './feeds/feed-relay.factory';
import { createApiApp } from './http/configure-http';
import { createLogger, PinoNestLogger } from './logging/logger';

const main = async () => {
  const config = loadAppConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config, logger);
  const eventStore = new PgEventStore({ pool: database.pool, logger: logger.child({ component: 'event-store' }) });

  const relay = createFeedRelay(config, database.pool, eventStore, logger);

  const app = await createApiApp(AppModule.create(database, eventStore, { relay, heartbeatMs: config.FEED_HEARTBEAT_SECONDS * 1000 }), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  relay?.start();
  const address = `http://localhost:${config.PORT}`;
  logger.info({ url: address, database: database.description }, 'claim-ledger API ready');
  const feed = relay ? `Kafka ${config.KAFKA_BROKERS} (relay in this process)` : config.KAFKA_BROKERS ? `Kafka ${config.KAFKA_BROKERS} (relay: apps/worker)` : 'outbox + HTTP feed only (KAFKA_BROKERS unset)';
  console.log(`\nclaim-ledger is running\n  API:      ${address}\n  docs:     ${address}/docs\n  health:   ${address}/health\n  database: ${database.description}\n  feeds:    ${feed}\n`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await relay?.stop();
    await app.close();
    await eventStore.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};

main().catch((error) => {
  console.error('claim-ledger failed to start:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
