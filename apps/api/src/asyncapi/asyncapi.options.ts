import { type FeedKafkaConfig, feedKafkaConfigOf } from '@claims/feed';
import type { AppConfig } from '../config/app-config';

export const ASYNCAPI_OPTIONS = Symbol('ASYNCAPI_OPTIONS');

export interface AsyncApiOptions {
  kafka: FeedKafkaConfig;
  /** `PUBLIC_BASE_URL`; unset: each request's own address. */
  publicBaseUrl?: string;
}

/** The topics as the relay of this configuration creates them (`apps/api/src/feeds/feed-relay.factory.ts`). */
export const asyncApiOptionsFrom = (config: AppConfig): AsyncApiOptions => ({
  kafka: feedKafkaConfigOf(config),
  publicBaseUrl: config.PUBLIC_BASE_URL,
});
