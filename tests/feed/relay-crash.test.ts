import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { STATUS_TOPIC, topicName, type FeedKafkaConfig } from '@claims/feed';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';
import { assessed, idsByKey, ScriptedProjection, testBrokers, testFeedConfig, TopicCollector } from './feed-test-kit';

const ROOT = path.join(__dirname, '..', '..');
const BANDS = ['almost_no_chance', 'very_unlikely', 'unlikely', 'roughly_even_chance', 'likely', 'very_likely', 'almost_certain'] as const;
const CLAIMS = 20;
const ROUNDS = 150; // 20 claims x 150 rounds = 3,000 status changes, 4 claims per transaction

describe('relay crash safety (apps/worker killed with SIGKILL mid-stream)', () => {
  let db: TestDatabase;
  let config: FeedKafkaConfig;
  let collector: TopicCollector;
  const workers: ChildProcess[] = [];
  const output: string[] = [];

  const startWorker = (): ChildProcess => {
    const child = spawn(process.execPath, ['-r', './infra/register.js', 'apps/worker/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        KAFKA_BROKERS: config.brokers.join(','),
        KAFKA_TOPIC_PREFIX: config.topicPrefix,
        KAFKA_STATUS_PARTITIONS: '3',
        KAFKA_EVENTS_PARTITIONS: '3',
        FEED_BATCH_SIZE: '50',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => output.push(String(chunk)));
    child.stderr?.on('data', (chunk) => output.push(String(chunk)));
    workers.push(child);
    return child;
  };

  const published = async () => Number((await db.pool.query('SELECT count(*) FROM feed_outbox WHERE published_at IS NOT NULL')).rows[0].count);
  const pending = async () => Number((await db.pool.query('SELECT count(*) FROM feed_outbox WHERE published_at IS NULL')).rows[0].count);

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testFeedConfig();
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await collector?.stop();
    await db?.drop();
  });

  it('delivers every status change at least once, per-claim order intact, duplicates with the same id', async () => {
    const claims = Array.from({ length: CLAIMS }, (_, index) => `claim-crash-${index}`);
    const projection = new ScriptedProjection(db.pool);
    const sent = new Map<string, string[]>();
    let writing = true;
    // The writer goes on past its rounds until the first worker is killed, so the kill always lands mid-stream
    // (how fast a worker starts depends on the machine and the Node runtime).
    let killed = false;
    let rounds = 0;
    const writer = (async () => {
      for (; rounds < ROUNDS || (!killed && rounds < ROUNDS * 20); rounds++) {
        const round = rounds;
        for (let group = 0; group < CLAIMS; group += 4) {
          const changes = claims.slice(group, group + 4).map((claimId) => [claimId, assessed('unverified', 6, 0.5, BANDS[round % BANDS.length])] as [string, ReturnType<typeof assessed>]);
          const ids = await projection.step(changes);
          ids.forEach((id, index) => sent.set(changes[index][0], [...(sent.get(changes[index][0]) ?? []), id]));
        }
      }
      writing = false;
    })();

    const first = startWorker();
    await waitUntil(async () => (await published()) >= 500, { timeoutMs: 60_000, intervalMs: 100, what: 'the first worker to publish 500 messages' });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const writingAtKill = writing;
    killed = true;
    expect(first.signalCode).toBe('SIGKILL');
    // The kill landed mid-stream: the writer was still going and messages were waiting.
    expect(writingAtKill).toBe(true);
    const publishedAtKill = await published();
    expect(await pending()).toBeGreaterThan(0);

    const second = startWorker();
    await writer;
    expect(rounds).toBeGreaterThanOrEqual(ROUNDS);
    const total = CLAIMS * rounds;
    expect([...sent.values()].flat()).toHaveLength(total);
    await waitUntil(async () => (await pending()) === 0, { timeoutMs: 120_000, intervalMs: 100, what: 'the restarted worker to drain the outbox' });
    expect(await published()).toBeGreaterThan(publishedAtKill);

    collector = new TopicCollector(testBrokers(), [topicName(config, STATUS_TOPIC)]);
    await collector.start();
    await collector.waitFor((messages) => new Set(messages.map((message) => message.headers.ce_id)).size >= total, 120_000, `${total} distinct status changes`);

    const received = idsByKey(collector.messages);
    for (const claimId of claims) {
      const ids = received.get(claimId) ?? [];
      const firstSeen = ids.filter((id, index) => ids.indexOf(id) === index);
      expect(firstSeen).toEqual(sent.get(claimId));
    }
    // A redelivered message is the same message: same id, same body.
    const bodies = new Map<string, string>();
    for (const message of collector.messages) {
      const seen = bodies.get(message.headers.ce_id);
      if (seen !== undefined) expect(message.value).toBe(seen);
      bodies.set(message.headers.ce_id, message.value);
    }
    const duplicates = collector.messages.length - bodies.size;
    process.stdout.write(`relay crash: ${total} changes, ${publishedAtKill} marked published at the kill, ${duplicates} duplicates delivered\n`);

    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    expect(second.exitCode).toBe(0);
  });
});
