import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { STATUS_TOPIC, topicName, type FeedKafkaConfig } from '@claims/feed';
import { createTestDatabase, waitUntil, type TestDatabase } from '@claims/testing';
import { assessed, ScriptedProjection, testBrokers, testFeedConfig, TopicCollector } from '../feed/feed-test-kit';
import { createTestApiKey, type TestApiKey } from '../support/api-keys';
import { REPO_ROOT } from '../support/npm-start';

const APIS = 3;
const LIMIT = 20; // requests a minute per key, shared by the three processes
const KEY_CACHE_SECONDS = 60; // far longer than the test waits: a revocation must reach the others by notification

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * Three API processes and two workers on one database, as a deployment runs them: what is shared between
 * them lives in PostgreSQL (the rate limit's buckets, the key changes' notifications, the relay's lock).
 */
describe('many processes on one PostgreSQL', () => {
  let db: TestDatabase;
  let feed: FeedKafkaConfig;
  let collector: TopicCollector | undefined;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const apis: string[] = [];

  /** `npm start`'s command (its prestart only builds the console, which this test does not need). */
  const spawnProject = (script: string, env: NodeJS.ProcessEnv): ChildProcess => {
    const child = spawn(process.execPath, ['-r', './infra/register.js', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => output.push(String(chunk)));
    child.stderr?.on('data', (chunk) => output.push(String(chunk)));
    children.push(child);
    return child;
  };

  const startWorker = () =>
    spawnProject('apps/worker/src/main.ts', {
      KAFKA_BROKERS: feed.brokers.join(','),
      KAFKA_TOPIC_PREFIX: feed.topicPrefix,
      KAFKA_STATUS_PARTITIONS: '3',
      KAFKA_EVENTS_PARTITIONS: '3',
      FEED_BATCH_SIZE: '50',
    });

  const get = (api: string, path: string, key: TestApiKey) => fetch(`${api}${path}`, { headers: key.header });

  const published = async () => Number((await db.pool.query('SELECT count(*) FROM feed_outbox WHERE published_at IS NOT NULL')).rows[0].count);
  const pending = async () => Number((await db.pool.query('SELECT count(*) FROM feed_outbox WHERE published_at IS NULL')).rows[0].count);

  beforeAll(async () => {
    db = await createTestDatabase();
    feed = testFeedConfig(testBrokers());
    for (let index = 0; index < APIS; index++) {
      const port = await freePort();
      spawnProject('apps/api/src/main.ts', {
        PORT: String(port),
        HOST: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        API_KEY_CACHE_SECONDS: String(KEY_CACHE_SECONDS),
        // The workers relay, the API processes do not.
        FEED_RELAY: 'off',
        METRICS_PORT: '0',
      });
      apis.push(`http://127.0.0.1:${port}`);
    }
    await waitUntil(
      async () => (await Promise.all(apis.map((api) => fetch(`${api}/health`).then((response) => response.ok, () => false)))).every(Boolean),
      { timeoutMs: 90_000, intervalMs: 200, what: `${APIS} API processes to answer` },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.join('')}`);
    });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await collector?.stop();
    await db?.drop();
  });

  it(`holds a key to ${LIMIT} requests a minute across ${APIS} processes, not ${APIS}x`, async () => {
    const key = await createTestApiKey(db.pool, 'reader', { name: 'shared budget' });
    const started = performance.now();
    // Three requests at a time, one to each process.
    const statuses: number[][] = apis.map(() => []);
    let refused: Response | undefined;
    for (let round = 0; round < 2 * LIMIT; round++) {
      const responses = await Promise.all(apis.map((api) => get(api, '/claims', key)));
      responses.forEach((response, index) => {
        statuses[index].push(response.status);
        if (response.status === 429) refused = response;
      });
    }
    const seconds = (performance.now() - started) / 1000;
    const allowed = statuses.flat().filter((status) => status === 200).length;
    // A token comes back every 60 / LIMIT s: what the run's own duration may add to the budget.
    expect(allowed).toBeGreaterThanOrEqual(LIMIT);
    expect(allowed).toBeLessThanOrEqual(LIMIT + Math.ceil((seconds * LIMIT) / 60));
    expect(statuses.flat().every((status) => status === 200 || status === 429)).toBe(true);
    // Every process refused some: none kept a budget of its own.
    expect(statuses.map((list) => list.includes(429))).toEqual(apis.map(() => true));
    expect(refused!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused!.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('applies a revocation made through one process on the others within the notification, well inside the key cache window', async () => {
    const admin = await createTestApiKey(db.pool, 'admin', { name: 'key admin' });
    const key = await createTestApiKey(db.pool, 'reader', { name: 'soon revoked' });
    // Cached by every process.
    for (const api of apis) expect((await get(api, '/claims', key)).status).toBe(200);
    const revoked = await fetch(`${apis[0]}/admin/api-keys/${key.id}/revocation`, {
      method: 'POST',
      headers: { ...admin.header, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'left the desk' }),
    });
    expect(revoked.status).toBe(200);
    const at = performance.now();
    await waitUntil(async () => (await Promise.all(apis.map((api) => get(api, '/claims', key)))).every((response) => response.status === 401), {
      timeoutMs: 5_000,
      intervalMs: 50,
      what: 'every process to refuse the revoked key',
    });
    const window = performance.now() - at;
    process.stdout.write(`revocation applied on all ${APIS} API processes within ${Math.round(window)} ms (key cache ${KEY_CACHE_SECONDS} s)\n`);
    expect(window).toBeLessThan(KEY_CACHE_SECONDS * 1000);
  });

  it('hands the relay over when the active worker is killed (SIGKILL): every status change is delivered at least once', async () => {
    const projection = new ScriptedProjection(db.pool);
    const claims = Array.from({ length: 10 }, (_, index) => `claim-handover-${index}`);
    const bands = ['unlikely', 'roughly_even_chance', 'likely'] as const;
    let writing = true;
    let rounds = 0;
    const writer = (async () => {
      // Past the kill, so it lands mid-stream; then a fixed tail.
      for (; writing || rounds % 10 !== 0; rounds++) {
        for (let group = 0; group < claims.length; group += 5) {
          await projection.step(claims.slice(group, group + 5).map((claimId) => [claimId, assessed('unverified', 6, 0.5, bands[rounds % bands.length])]));
        }
      }
    })();

    const first = startWorker();
    await waitUntil(async () => (await published()) >= 100, { timeoutMs: 60_000, intervalMs: 100, what: 'the first worker to publish' });
    const second = startWorker();
    // The second finds the relay's lock taken and stands by.
    await waitUntil(async () => Number((await db.pool.query(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'claim-ledger-feed-relay'`)).rows[0].count) >= 2, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: "the second worker's relay connected (standing by)",
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(first.signalCode).toBe('SIGKILL');
    const publishedAtKill = await published();
    writing = false;
    await writer;
    expect(await pending()).toBeGreaterThan(0);
    await waitUntil(async () => (await pending()) === 0, { timeoutMs: 60_000, intervalMs: 100, what: 'the second worker to take over and drain the outbox' });
    expect(await published()).toBeGreaterThan(publishedAtKill);

    const { rows } = await db.pool.query<{ message_id: string }>(`SELECT message_id FROM feed_outbox WHERE topic = $1`, [STATUS_TOPIC]);
    const sent = new Set(rows.map((row) => row.message_id));
    collector = new TopicCollector(feed.brokers.join(','), [topicName(feed, STATUS_TOPIC)]);
    await collector.start();
    await collector.waitFor((messages) => [...sent].every((id) => messages.some((message) => message.headers.ce_id === id)), 60_000, `${sent.size} status changes`);
    const received = new Set(collector.messages.map((message) => message.headers.ce_id));
    expect([...sent].filter((id) => !received.has(id))).toEqual([]);
    const duplicates = collector.messages.length - received.size;
    process.stdout.write(`relay handover: ${sent.size} status changes, ${publishedAtKill} published at the kill, all delivered, ${duplicates} duplicates\n`);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  });
});
