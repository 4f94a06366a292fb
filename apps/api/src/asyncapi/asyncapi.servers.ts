import type { AsyncApiServerEntry } from './asyncapi.document';
import { HTTP_SERVER, KAFKA_SERVER } from './asyncapi.channels';

/** Without `KAFKA_BROKERS` the document still describes the topics, on a placeholder broker. */
const PLACEHOLDER_BROKER = 'localhost:9092';

/** The Kafka cluster (its bootstrap brokers) and the HTTP API at its public base URL. */
export const feedServers = (brokers: readonly string[] | undefined, publicBaseUrl: URL): Record<string, AsyncApiServerEntry> => {
  const pathname = publicBaseUrl.pathname.replace(/\/+$/, '');
  return {
    [KAFKA_SERVER]: {
      host: brokers?.[0] ?? PLACEHOLDER_BROKER,
      protocol: 'kafka',
      title: 'Kafka',
      description:
        `Bootstrap brokers: ${(brokers?.length ? brokers : [PLACEHOLDER_BROKER]).join(', ')}${brokers?.length ? '' : ' (a placeholder: KAFKA_BROKERS is not set on this API server)'}. ` +
        'Messages are CloudEvents 1.0 in binary content mode: the attributes are `ce_*` headers, the record value is the JSON payload.',
      bindings: { kafka: { bindingVersion: '0.5.0' } },
    },
    [HTTP_SERVER]: {
      host: publicBaseUrl.host,
      protocol: publicBaseUrl.protocol.replace(/:$/, ''),
      ...(pathname ? { pathname } : {}),
      title: 'HTTP API',
      description: 'The claim-ledger HTTP API (its request/response routes are in /openapi.json).',
      security: ['apiKey', 'apiKeyInQuery'],
    },
  };
};

/** How the HTTP server takes an API key (one route, the SSE stream, also from the query for EventSource). */
export const FEED_SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An API key with `feed:read` (`clk_…`), as `Authorization: Bearer <key>`.' },
  apiKeyInQuery: {
    type: 'httpApiKey',
    name: 'access_token',
    in: 'query',
    description: 'For a browser\'s EventSource, which cannot send headers: the key as `?access_token=`. Prefer the header: a URL can end up in logs.',
  },
};
