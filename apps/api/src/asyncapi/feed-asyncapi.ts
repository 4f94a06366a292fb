import type { FeedKafkaConfig } from '@claims/feed';
import { buildAsyncApiDocument } from './asyncapi.document';
import { feedChannels } from './asyncapi.channels';
import { FEED_SECURITY_SCHEMES, feedServers } from './asyncapi.servers';
import type { JsonSchema } from './json-schema';

export interface FeedAsyncApiOptions {
  /** The relay's Kafka settings (prefix and partitions as it creates the topics); `brokers` may be empty. */
  kafka: FeedKafkaConfig;
  /** The HTTP API's public address, for the SSE stream's server. */
  publicBaseUrl: URL;
}

/** The AsyncAPI 3.0 document of claim-ledger's feeds: both Kafka topics and the SSE stream. */
export const feedAsyncApiDocument = ({ kafka, publicBaseUrl }: FeedAsyncApiOptions): JsonSchema =>
  buildAsyncApiDocument({
    info: {
      title: 'claim-ledger feeds',
      version: '1',
      description:
        'What claim-ledger publishes: claim status changes and domain events on Kafka (CloudEvents 1.0, binary mode), and the status changes over Server-Sent Events. ' +
        'Every schema here is generated from the zod schemas that validate the messages (libs/contracts/src/feed). The HTTP request/response API is described by /openapi.json.',
    },
    servers: feedServers(kafka.brokers, publicBaseUrl),
    channels: feedChannels(kafka),
    securitySchemes: FEED_SECURITY_SCHEMES,
  });
