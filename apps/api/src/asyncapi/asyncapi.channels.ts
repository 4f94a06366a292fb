import { z } from 'zod';
import { ClaimEvent, ClaimStatusChangedV1, DomainEventMessageV1, FeedLogPosition, Identifier, SourceEvent, StatusFeedStreamQuery, WebhookDeliveryHeaders } from '@claims/contracts';
import {
  EVENT_TYPE_PREFIX,
  EVENTS_TOPIC,
  feedTopicSpecs,
  type FeedKafkaConfig,
  STATUS_CHANGED_TYPE,
  STATUS_FEED_ENTRY_TYPE,
  STATUS_TOPIC,
  topicName,
} from '@claims/feed';
import type { AsyncApiChannelEntry, AsyncApiMessageEntry } from './asyncapi.document';
import { cloudEventKafkaHeaders } from './cloudevent-headers.schema';
import { asyncApiSchema } from './json-schema';

const KAFKA_BINDING = '0.5.0';
const HTTP_BINDING = '0.3.0';

/** Server ids of the document (`asyncapi.servers.ts` builds them). */
export const KAFKA_SERVER = 'kafka';
export const HTTP_SERVER = 'http';

/** Broker topic settings that Kafka reports as numbers; the binding wants them as integers. */
const NUMERIC_TOPIC_SETTING = /^-?\d+$/;

/**
 * The Kafka channel binding of a logical topic, read from the same specs the relay creates the topics with
 * (`feedTopicSpecs`): the partitions and every config entry, so the document cannot drift from the broker.
 */
const kafkaChannelBindings = (kafka: FeedKafkaConfig, logical: string) => {
  const spec = feedTopicSpecs(kafka).find((topic) => topic.topic === topicName(kafka, logical));
  if (!spec) throw new Error(`AsyncAPI: no topic spec for ${logical}`);
  const topicConfiguration = Object.fromEntries(
    (spec.configEntries ?? []).map(({ name, value }) => [
      name,
      name === 'cleanup.policy' ? value.split(',').map((policy) => policy.trim()) : NUMERIC_TOPIC_SETTING.test(value) ? Number(value) : value,
    ]),
  );
  return {
    kafka: {
      topic: spec.topic,
      ...(spec.numPartitions && spec.numPartitions > 0 ? { partitions: spec.numPartitions } : {}),
      ...(spec.replicationFactor && spec.replicationFactor > 0 ? { replicas: spec.replicationFactor } : {}),
      topicConfiguration,
      bindingVersion: KAFKA_BINDING,
    },
  };
};

/** The record key's schema, as the Kafka message binding carries it. */
const kafkaMessageBindings = (key: z.ZodType) => ({ kafka: { key: asyncApiSchema(key), bindingVersion: KAFKA_BINDING } });

/**
 * One Server-Sent Event of `/feeds/status-changes`: its `id:`, `event:` and `data:` fields. `data` is the
 * status-change message itself (JSON); the position a page entry carries is the event's `id`.
 */
export const StatusFeedSseEvent = z.strictObject({
  id: FeedLogPosition.describe('The feed position; send it back as `Last-Event-ID` to resume right after this event'),
  event: z.literal(STATUS_FEED_ENTRY_TYPE),
  data: ClaimStatusChangedV1,
});

const DOMAIN_EVENT_TYPE = new RegExp(`^${EVENT_TYPE_PREFIX.replace(/[.]/g, '\\.')}[A-Za-z]+\\.v\\d+$`);

const eventKey = () => kafkaMessageBindings(Identifier.describe('The subject: the claim or source id'));

/**
 * One message per claim and source event type: the envelope with `type` pinned and `data` that event's
 * schema (libs/contracts/src/events), so a consumer's generated code gets typed payloads.
 */
const typedDomainEventMessages = (): AsyncApiMessageEntry[] =>
  [...ClaimEvent.options, ...SourceEvent.options].map((event) => {
    const type = event.shape.type.value;
    const cloudEventType = `${EVENT_TYPE_PREFIX}${type}.v1`;
    return {
      id: type,
      name: cloudEventType,
      title: type,
      contentType: 'application/json',
      headers: cloudEventKafkaHeaders(z.literal(cloudEventType)),
      payload: DomainEventMessageV1.extend({ type: z.literal(type), data: event.shape.data }),
      bindings: eventKey(),
    };
  });

/**
 * Every channel of the document, each with the operation the application performs on it. To describe
 * another feed, add an entry here (and its server in `asyncapi.servers.ts` when it is a new one).
 */
export const feedChannels = (kafka: FeedKafkaConfig): AsyncApiChannelEntry[] => [
  {
    id: 'claimStatusChanges',
    address: topicName(kafka, STATUS_TOPIC),
    servers: [KAFKA_SERVER],
    title: 'Claim status changes',
    description:
      'One message each time a claim\'s published status, credibility rating or confidence band changes. Keyed by claim id: one claim\'s changes are in order on one partition. ' +
      'Compacted after 7 days (`min.compaction.lag.ms`): a new consumer reading from offset 0 gets at least the latest status of every claim. At least once: drop duplicates by `ce_id`.',
    bindings: kafkaChannelBindings(kafka, STATUS_TOPIC),
    messages: [
      {
        id: 'claimStatusChanged',
        name: STATUS_CHANGED_TYPE,
        title: 'Claim status changed',
        summary: 'A claim\'s headline (status, credibility rating or confidence band) changed.',
        contentType: 'application/json',
        headers: cloudEventKafkaHeaders(z.literal(STATUS_CHANGED_TYPE)),
        payload: ClaimStatusChangedV1,
        bindings: kafkaMessageBindings(Identifier.describe('The claim id (`claimId`)')),
      },
    ],
    operation: {
      id: 'sendClaimStatusChanges',
      action: 'send',
      summary: 'claim-ledger publishes every status change; consumers receive them.',
    },
  },
  {
    id: 'domainEvents',
    address: topicName(kafka, EVENTS_TOPIC),
    servers: [KAFKA_SERVER],
    title: 'Domain events',
    description:
      'Every event of the log\'s public streams (claims, sources and the desk\'s work), in log order per subject, for replicas. Kept as long as the log (`retention.ms=-1`). ' +
      '`data` is the event\'s validated, upcast payload: each claim and source event type has a message of its own (`ce_type` names it) with its `data` schema; `domainEvent` is the envelope of any type.',
    bindings: kafkaChannelBindings(kafka, EVENTS_TOPIC),
    messages: [
      ...typedDomainEventMessages(),
      {
        id: 'domainEvent',
        name: `${EVENT_TYPE_PREFIX}<EventType>.v1`,
        title: 'Domain event (any type)',
        summary: 'Any event of the log: the envelope every message above shares, for the types without a message of their own (the desk\'s work events).',
        contentType: 'application/json',
        headers: cloudEventKafkaHeaders(z.string().regex(DOMAIN_EVENT_TYPE).describe(`\`${EVENT_TYPE_PREFIX}<EventType>.v1\`, e.g. \`${EVENT_TYPE_PREFIX}ClaimCorroborated.v1\``)),
        payload: DomainEventMessageV1,
        bindings: eventKey(),
      },
    ],
    operation: {
      id: 'sendDomainEvents',
      action: 'send',
      summary: 'claim-ledger publishes every domain event; replicas receive them.',
    },
  },
  {
    id: 'statusFeedStream',
    address: '/feeds/status-changes',
    servers: [HTTP_SERVER],
    title: 'Claim status changes over Server-Sent Events',
    description:
      '`GET /feeds/status-changes` answers `text/event-stream`: the same changes as the status topic, for consumers without Kafka (permission `feed:read`). ' +
      'Reconnect with `Last-Event-ID` to resume right after the last event received. Comment lines (`: heartbeat`) keep the connection alive; `: closed: <reason>` ends it. ' +
      'The same entries come as pages of JSON from `GET /feeds/status-changes/page` (see /openapi.json).',
    messages: [
      {
        id: 'statusFeedEvent',
        name: STATUS_FEED_ENTRY_TYPE,
        title: 'Status feed event',
        summary: 'One Server-Sent Event: `id:` the feed position, `event:` the entry type, `data:` the status-change message as JSON.',
        contentType: 'text/event-stream',
        payload: StatusFeedSseEvent,
        bindings: {
          http: {
            headers: { type: 'object', properties: { 'Content-Type': { type: 'string', const: 'text/event-stream' } } },
            statusCode: 200,
            bindingVersion: HTTP_BINDING,
          },
        },
      },
    ],
    operation: {
      id: 'sendStatusFeedStream',
      action: 'send',
      summary: 'claim-ledger streams status changes to a client that holds the request open.',
      bindings: { http: { method: 'GET', query: asyncApiSchema(StatusFeedStreamQuery, 'input'), bindingVersion: HTTP_BINDING } },
    },
  },
  {
    id: 'webhookDeliveries',
    address: '{webhookUrl}',
    servers: [],
    parameters: { webhookUrl: { description: 'The URL registered with POST /admin/webhooks' } },
    title: 'Claim status changes as Standard Webhooks',
    description:
      'Each status change (the same message as the status topic) POSTed to every active endpoint whose filter matches, signed per the Standard Webhooks specification: ' +
      'verify with `new Webhook(secret).verify(body, headers)` (npm `standardwebhooks`). At least once (de-duplicate on `webhook-id`), in order per claim, retried for 24 h. See docs/webhooks.md.',
    messages: [
      {
        id: 'webhookStatusChanged',
        name: STATUS_CHANGED_TYPE,
        title: 'Signed status change',
        summary: 'A `claim.status-changed.v1` message as a signed HTTP POST.',
        contentType: 'application/json',
        headers: WebhookDeliveryHeaders,
        payload: ClaimStatusChangedV1,
      },
    ],
    operation: {
      id: 'sendWebhookDeliveries',
      action: 'send',
      summary: 'claim-ledger POSTs status changes to registered webhook endpoints; a 2xx acknowledges.',
      bindings: { http: { method: 'POST', bindingVersion: HTTP_BINDING } },
    },
  },
];
