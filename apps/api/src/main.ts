import 'reflect-metadata';
import { PgEventStore } from '@claims/event-store';
import { AppModule } from './app.module';
import { loadAppConfig } from './config/app-config';
import { openDatabase } from './database/database';
import { createApiApp } from './http/configure-http';
import { createLogger, PinoNestLogger } from './logging/logger';

const main = async () => {
  const config = loadAppConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config, logger);
  const eventStore = new PgEventStore({ pool: database.pool, logger: logger.child({ component: 'event-store' }) });

  const app = await createApiApp(AppModule.create(database, eventStore), { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  const address = `http://localhost:${config.PORT}`;
  logger.info({ url: address, database: database.description }, 'claim-ledger API ready');
  console.log(`\nclaim-ledger is running\n  API:      ${address}\n  docs:     ${address}/docs\n  health:   ${address}/health\n  database: ${database.description}\n`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
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
