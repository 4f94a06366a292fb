import { z } from 'zod';
import { Identifier, Timestamp } from '@claims/contracts';
import { CLOUDEVENTS_SOURCE } from '@claims/feed';

/**
 * The Kafka record headers of a CloudEvent in binary content mode, as `toCloudEventKafkaMessage`
 * (libs/feed/src/cloudevents.ts) writes them. `type` pins `ce_type` per topic. Loose: a consumer's
 * validation should not break when a header (a trace context) is added later.
 */
export const cloudEventKafkaHeaders = (type: z.ZodType<string>) =>
  z.looseObject({
    ce_specversion: z.literal('1.0').describe('CloudEvents specification version'),
    ce_id: z.uuid().describe('The message id: the same on a redelivery, so consumers drop duplicates by it'),
    ce_source: z.literal(CLOUDEVENTS_SOURCE),
    ce_type: type,
    ce_time: Timestamp.describe('RFC 3339, UTC'),
    ce_subject: Identifier.describe('The claim id (or, on the events topic, the source id); also the record key'),
    ce_traceparent: z
      .string()
      .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
      .optional()
      .describe('CloudEvents distributed-tracing extension: the W3C trace context of the command that caused the message (present when the API traces, docs/observability.md)'),
    'content-type': z.literal('application/json').describe('The record value is the JSON payload'),
  });
