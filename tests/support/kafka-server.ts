import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { containerRuntimeAvailable } from './container-runtime';

const run = promisify(execFile);

export const KAFKA_SCRIPT = path.join(__dirname, '..', '..', 'infra', 'kafka', 'kafka.sh');
/** The cp-kafka image used with testcontainers (KRaft from 8.x on); override with TEST_KAFKA_IMAGE. */
export const TEST_KAFKA_IMAGE = process.env.TEST_KAFKA_IMAGE ?? 'confluentinc/cp-kafka:8.0.0';

export interface TestKafka {
  /** `host:port` list for kafkajs / kcat. */
  brokers: string;
  /** Which one it is, printed at the start of the run. */
  description: string;
  /** Make the broker unreachable, keeping its data (kafka.sh stop / docker pause). */
  pause(): Promise<void>;
  /** Bring it back (kafka.sh start / docker unpause). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const has = async (command: string): Promise<boolean> => {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
};

/** Java 17+ and Maven, which infra/kafka/kafka.sh needs; a sentence naming what is missing otherwise. */
export const kafkaScriptPrerequisites = async (): Promise<string | undefined> => {
  const missing = [];
  if (!(await has('java'))) missing.push('java (a JDK 17+)');
  if (!(await has('mvn'))) missing.push('mvn (Maven 3)');
  if (missing.length === 0) return undefined;
  return (
    `the integration tests need a Kafka broker: KAFKA_BROKERS is unset, no container engine answers, and ` +
    `infra/kafka/kafka.sh cannot run because ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. ` +
    `Install a JDK 17 and Maven (apt-get install -y openjdk-17-jdk-headless maven), start Docker, or set KAFKA_BROKERS=host:port.`
  );
};

/** A broker from infra/kafka/kafka.sh in a data dir of its own, on the given ports. */
export const startScriptKafka = async (options: { port: number; controllerPort: number; dataDir?: string }): Promise<TestKafka> => {
  const problem = await kafkaScriptPrerequisites();
  if (problem) throw new Error(problem);
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'claim-ledger-kafka-'));
  const env = { ...process.env, KAFKA_PORT: String(options.port), KAFKA_CONTROLLER_PORT: String(options.controllerPort), KAFKA_DATA_DIR: dataDir };
  const script = async (command: 'start' | 'stop') => {
    try {
      await run('bash', [KAFKA_SCRIPT, command], { env, timeout: 600_000, maxBuffer: 10 * 1024 * 1024 });
    } catch (error) {
      const { stderr, message } = error as { stderr?: string; message: string };
      throw new Error(`infra/kafka/kafka.sh ${command} failed: ${stderr?.trim() || message}`);
    }
  };
  await script('start');
  return {
    brokers: `127.0.0.1:${options.port}`,
    description: `infra/kafka/kafka.sh (Kafka ${process.env.KAFKA_VERSION ?? '4.3.1'}, 127.0.0.1:${options.port}, ${dataDir})`,
    pause: () => script('stop'),
    resume: () => script('start'),
    stop: async () => {
      await script('stop');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** A cp-kafka container (KRaft); pause/resume freeze and thaw it. */
export const startContainerKafka = async (): Promise<TestKafka> => {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { getContainerRuntimeClient } = await import('testcontainers');
  const container = await new KafkaContainer(TEST_KAFKA_IMAGE).start();
  const brokers = `${container.getHost()}:${container.getMappedPort(9093)}`;
  const docker = (await getContainerRuntimeClient()).container.getById(container.getId());
  return {
    brokers,
    description: `testcontainers (${TEST_KAFKA_IMAGE}, ${brokers})`,
    pause: async () => {
      await docker.pause();
    },
    resume: async () => {
      await docker.unpause();
    },
    stop: async () => {
      await container.stop();
    },
  };
};

/**
 * The Kafka broker for integration tests, found like PostgreSQL: `KAFKA_BROKERS` when set, else a
 * testcontainers cp-kafka when a container engine answers, else infra/kafka/kafka.sh (Java 17 + Maven)
 * on ports of its own (TEST_KAFKA_PORT, default 29092, controller +1) so a developer's broker is left alone.
 */
export const startTestKafka = async (): Promise<TestKafka> => {
  const configured = process.env.KAFKA_BROKERS?.trim();
  if (configured) {
    const unsupported = async () => {
      throw new Error('this broker comes from KAFKA_BROKERS: the harness cannot pause it');
    };
    return { brokers: configured, description: `KAFKA_BROKERS (${configured})`, pause: unsupported, resume: unsupported, stop: async () => undefined };
  }
  if (await containerRuntimeAvailable()) return startContainerKafka();
  const port = Number(process.env.TEST_KAFKA_PORT ?? 29092);
  return startScriptKafka({ port, controllerPort: port + 1 });
};
