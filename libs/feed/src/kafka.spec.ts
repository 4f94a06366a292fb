import { logLevel } from 'kafkajs';
import { toCloudEventKafkaMessage } from './cloudevents';
import { feedTopicSpecs, kafkaLogCreator, parseBrokers, topicName } from './kafka';

describe('Kafka plumbing', () => {
  it('parses KAFKA_BROKERS', () => {
    expect(parseBrokers(undefined)).toBeUndefined();
    expect(parseBrokers(' ')).toBeUndefined();
    expect(parseBrokers('a:9092, b:9093')).toEqual(['a:9092', 'b:9093']);
  });

  it('names and configures the topics: status compacted by claim id, events kept', () => {
    const specs = feedTopicSpecs({ brokers: ['x:1'], clientId: 'c', topicPrefix: 'dev.', statusPartitions: 12 });
    expect(specs.map((spec) => [spec.topic, spec.numPartitions])).toEqual([
      ['dev.claims.status.v1', 12],
      ['dev.claims.events.v1', 6],
    ]);
    expect(specs[0].configEntries).toContainEqual({ name: 'cleanup.policy', value: 'compact' });
    expect(topicName({}, 'claims.status.v1')).toBe('claims.status.v1');
  });

  it('maps a message to CloudEvents binary mode headers', () => {
    const message = toCloudEventKafkaMessage('claim-1', { id: 'id-1', type: 'org.claim-ledger.claim.status-changed.v1', subject: 'claim-1', time: new Date('2024-01-02T03:04:05Z') }, { a: 1 });
    expect(message).toEqual({
      key: 'claim-1',
      value: '{"a":1}',
      headers: {
        ce_specversion: '1.0',
        ce_id: 'id-1',
        ce_source: 'urn:claim-ledger',
        ce_type: 'org.claim-ledger.claim.status-changed.v1',
        ce_time: '2024-01-02T03:04:05.000Z',
        ce_subject: 'claim-1',
        'content-type': 'application/json',
      },
    });
  });

  it('routes kafkajs warnings and errors to the logger, drops info and repeats', () => {
    const lines: string[] = [];
    const logger = { info: () => undefined, warn: (_: object, message: string) => void lines.push(`warn ${message}`), error: (_: object, message: string) => void lines.push(`error ${message}`) };
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    const entry = (level: logLevel, message: string) => ({ namespace: 'Connection', level, label: '', log: { timestamp: '', message } });
    log(entry(logLevel.INFO, 'connected'));
    log(entry(logLevel.ERROR, 'Connection error: ECONNREFUSED'));
    log(entry(logLevel.ERROR, 'Connection error: ECONNREFUSED'));
    log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
    log(entry(logLevel.WARN, 'rebalancing'));
    expect(lines).toEqual(['error Connection error: ECONNREFUSED', 'warn rebalancing']);
  });
});
