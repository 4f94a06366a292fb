// The bench's API process, forked by feed.bench.ts so commands' HTTP work does not share an event loop with
// the driver and the consumer. Built as apps/api/src/main.ts builds it, from the environment the bench
// sets (DATABASE_URL: the bench's database; KAFKA_*; FEED_RELAY): openDatabase (a pool of
// DATABASE_POOL_SIZE as the application role), createFeedRelay, createApiApp. Differences: the rate limit
// and the audit checkpoints are out of the way, and the access log goes to /dev/null. With FEED_RELAY=off
// (the production layout, the relay in apps/worker) there is no relay here; with FEED_RELAY=on it runs
// beside the API as `npm start` runs it. Sends its address over IPC; closes when told to or when the
// bench goes away.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger } from '@nestjs/common';
import pino from 'pino';
import { PgEventStore } from '@claims/event-store';
import { loadConfiguration } from '@claims/platform';
import { AppModule } from '../../../apps/api/src/app.module';
import { loadAppConfig } from '../../../apps/api/src/config/app-config';
import { openDatabase } from '../../../apps/api/src/database/database';
import { createFeedRelay } from '../../../apps/api/src/feeds/feed-relay.factory';
import { createApiApp } from '../../../apps/api/src/http/configure-http';
import { createLogger } from '../../../apps/api/src/logging/logger';

export interface FeedApiReady {
  base: string;
  /** Whether this process runs the feed relay (FEED_RELAY=on). */
  relay: boolean;
}

const main = async () => {
  const config = loadConfiguration(loadAppConfig);
  if (!config.DATABASE_URL) throw new Error('the bench API needs DATABASE_URL (the bench database)');
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config, logger);
  const store = new PgEventStore({ pool: database.pool, logger: logger.child({ component: 'event-store' }) });
  const relay = createFeedRelay(config, database.pool, store, logger);
  const silent = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const app = await createApiApp(AppModule.create(database, store, { relay }, { rateLimitPerMinute: 100_000_000 }, { checkpointIntervalMs: 0 }), {
    // Errors only (to stderr): a failed request must say why.
    logger: new ConsoleLogger('bench:feed api', { logLevels: ['error'] }),
    accessLogger: silent,
  });
  await app.listen(0, '127.0.0.1');
  relay?.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await relay?.stop();
    await app.close();
    await store.close();
    await database.close();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'close') void stop();
  });
  process.on('disconnect', () => void stop());
  // Ctrl-C reaches the whole process group: close as main.ts does rather than die mid-request.
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  const ready: FeedApiReady = { base: `http://127.0.0.1:${((app.getHttpServer() as import('node:http').Server).address() as AddressInfo).port}`, relay: relay !== undefined };
  process.send?.({ ready });
};

main().catch((error) => {
  console.error('bench:feed API failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
