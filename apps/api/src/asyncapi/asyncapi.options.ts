import { type FeedKafkaConfig, parseBrokers } from '@claims/feed';
import type { AppConfig } from '../config/app-config';

export const ASYNCAPI_OPTIONS = Symbol('ASYNCAPI_OPTIONS');

export interface AsyncApiOptions {
  kafka: FeedKafkaConfig;
  /** `PUBLIC_BASE_URL`; unset: each request's own address. */
  publicBaseUrl?: string;
}

/** The topics as the relay of this configuration creates them (`apps/api/src/feeds/feed-relay.factory.ts`). */
export const asyncApiOptionsFrom = (config: AppConfig): AsyncApiOptions => ({
  kafka: {
    brokers: parseBrokers(config.KAFKA_BROKERS) ?? [],
    clientId: config.KAFKA_CLIENT_ID,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    statusPartitions: config.KAFKA_STATUS_PARTITIONS,
    eventsPartitions: config.KAFKA_EVENTS_PARTITIONS,
  },
  publicBaseUrl: config.PUBLIC_BASE_URL,
});
