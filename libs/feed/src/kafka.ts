import { type Admin, Kafka, type logCreator, logLevel, type ITopicConfig } from 'kafkajs';
import type { FeedLogger } from './feed.logger';
import { EVENTS_TOPIC, STATUS_TOPIC } from './feed.topics';

export interface FeedKafkaConfig {
  /** `host:port` list. */
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name (tests isolate themselves with it). Default empty. */
  topicPrefix?: string;
  statusPartitions?: number;
  eventsPartitions?: number;
  /** -1 (default) takes the broker's default replication factor. */
  replicationFactor?: number;
}

/** Parses `KAFKA_BROKERS` (`host:port[,host:port...]`); undefined when unset or empty. */
export const parseBrokers = (value: string | undefined): string[] | undefined => {
  const brokers = (value ?? '').split(',').map((broker) => broker.trim()).filter(Boolean);
  return brokers.length ? brokers : undefined;
};

/** The Kafka variables the API and the worker both read (the same names, the same meaning). */
export interface KafkaEnvironment {
  KAFKA_BROKERS?: string;
  KAFKA_CLIENT_ID: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_STATUS_PARTITIONS: number;
  KAFKA_EVENTS_PARTITIONS: number;
}

/** The feed's Kafka settings from a parsed configuration: one mapping for the relay, the worker and the AsyncAPI document. */
export const feedKafkaConfigOf = (env: KafkaEnvironment): FeedKafkaConfig => ({
  brokers: parseBrokers(env.KAFKA_BROKERS) ?? [],
  clientId: env.KAFKA_CLIENT_ID,
  topicPrefix: env.KAFKA_TOPIC_PREFIX,
  statusPartitions: env.KAFKA_STATUS_PARTITIONS,
  eventsPartitions: env.KAFKA_EVENTS_PARTITIONS,
});

const IDEMPOTENT_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

// While a broker is down kafkajs logs the same connection error on every retry; one line per message
// text per interval is enough (the relay logs each failed attempt itself).
const REPEAT_INTERVAL_MS = 10_000;

/**
 * kafkajs logs at INFO for every connection and group event: route only WARN and ERROR to our logger,
 * as structured fields, and drop repeats of the same message within ten seconds.
 */
export const kafkaLogCreator = (logger: FeedLogger): logCreator => {
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, stack: _stack, ...fields } = log as { message: string; timestamp: string; logger?: string; stack?: string };
      // After a failed send the relay replaces its producer (a new producer id) and resends: duplicates are
      // accepted and carry the same ce_id, so kafkajs's warning about bounded idempotent retries is noise here.
      if (message === IDEMPOTENT_RETRIES_WARNING || level > logLevel.WARN) return;
      const now = Date.now();
      const previous = lastLogged.get(message);
      if (previous && now - previous.at < REPEAT_INTERVAL_MS) {
        previous.suppressed++;
        return;
      }
      if (lastLogged.size > 1000) lastLogged.clear();
      lastLogged.set(message, { at: now, suppressed: 0 });
      const entry = { component: 'kafkajs', namespace, ...fields, ...(previous?.suppressed ? { repeatedSinceLastLine: previous.suppressed } : {}) };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else logger.warn(entry, message);
    };
};

/** A kafkajs client whose logs go to the application's logger at warn level and above. */
export const createKafka = (config: FeedKafkaConfig, logger: FeedLogger): Kafka =>
  new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: 5 },
  });

/** The physical name of a logical topic. */
export const topicName = (config: Pick<FeedKafkaConfig, 'topicPrefix'>, logical: string): string => `${config.topicPrefix ?? ''}${logical}`;

// Seven days: every status change stays readable that long; after that compaction keeps the latest per claim.
const COMPACTION_LAG_MS = String(7 * 24 * 3600 * 1000);

/** Topic specs: the status topic is compacted by claim id (a new consumer bootstraps every claim's latest status). */
export const feedTopicSpecs = (config: FeedKafkaConfig): ITopicConfig[] => [
  {
    topic: topicName(config, STATUS_TOPIC),
    numPartitions: config.statusPartitions ?? 6,
    replicationFactor: config.replicationFactor ?? -1,
    configEntries: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.compaction.lag.ms', value: COMPACTION_LAG_MS },
    ],
  },
  {
    topic: topicName(config, EVENTS_TOPIC),
    numPartitions: config.eventsPartitions ?? 6,
    replicationFactor: config.replicationFactor ?? -1,
    // A replica of the event log: kept as long as the log.
    configEntries: [
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: '-1' },
    ],
  },
];

/** Creates the feed topics that do not exist yet (existing ones are left as they are). */
export const ensureFeedTopics = async (admin: Admin, config: FeedKafkaConfig): Promise<string[]> => {
  const existing = new Set(await admin.listTopics());
  const missing = feedTopicSpecs(config).filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another relay created them between our list and our create.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  }
  return missing.map((spec) => spec.topic);
};
