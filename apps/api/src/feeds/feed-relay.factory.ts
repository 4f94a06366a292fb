import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { PgEventStore } from '@claims/event-store';
import { FeedRelay, feedKafkaConfigOf, parseBrokers } from '@claims/feed';
import type { AppConfig } from '../config/app-config';

/** The API process's relay: none without KAFKA_BROKERS (the embedded default) or with FEED_RELAY=off. */
export const createFeedRelay = (config: AppConfig, pool: Pool, store: PgEventStore, logger: Logger, onPublished?: (topic: string, count: number) => void): FeedRelay | undefined => {
  const brokers = parseBrokers(config.KAFKA_BROKERS);
  if (!brokers || config.FEED_RELAY === 'off') return undefined;
  return new FeedRelay({
    pool,
    log: store,
    logger: logger.child({ component: 'feed-relay' }),
    kafka: feedKafkaConfigOf(config),
    onPublished,
  });
};
