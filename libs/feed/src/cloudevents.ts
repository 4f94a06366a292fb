import { CLOUDEVENTS_SOURCE } from './feed.topics';

/** A Kafka record in CloudEvents 1.0 binary content mode (kafkajs `Message` shape). */
export interface CloudEventKafkaMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface CloudEventAttributes {
  id: string;
  type: string;
  subject: string;
  time: Date | string;
  /** Defaults to `urn:claim-ledger`. */
  source?: string;
  /** W3C trace context of what caused the message: the distributed-tracing extension (`ce_traceparent`), so a consumer continues the trace. */
  traceparent?: string;
}

/**
 * Binary mode (CloudEvents Kafka protocol binding 1.0, section 3.2): the attributes travel as `ce_*`
 * headers, the JSON body is the record value and `content-type` says so.
 */
export const toCloudEventKafkaMessage = (key: string, attributes: CloudEventAttributes, data: unknown): CloudEventKafkaMessage => ({
  key,
  value: JSON.stringify(data),
  headers: {
    ce_specversion: '1.0',
    ce_id: attributes.id,
    ce_source: attributes.source ?? CLOUDEVENTS_SOURCE,
    ce_type: attributes.type,
    ce_time: (attributes.time instanceof Date ? attributes.time : new Date(attributes.time)).toISOString(),
    ce_subject: attributes.subject,
    ...(attributes.traceparent ? { ce_traceparent: attributes.traceparent } : {}),
    'content-type': 'application/json',
  },
});
