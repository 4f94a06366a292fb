import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { EVENTS_TOPIC, STATUS_TOPIC } from '@claims/feed';
import { waitUntil } from '@claims/testing';
import { MetricsEndpoint } from '../../apps/api/src/metrics/metrics-endpoint';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { testFeedConfig } from '../feed/feed-test-kit';
import { freePort, scrape, total } from './prometheus-text';

const ROOT = path.join(__dirname, '..', '..');

/**
 * The metric series of docs/observability.md, scraped from the listeners of a running API (in-process, on
 * a port of its own) and of a real worker process (`npm run worker`'s entry point) relaying the same
 * database to the real broker, while commands run.
 */
describe('metrics on METRICS_PORT (API and worker)', () => {
  let api: ApiTestApp;
  let apiPort: number;
  let workerPort: number;
  let worker: ChildProcess | undefined;
  const output: string[] = [];
  const feed = testFeedConfig();

  beforeAll(async () => {
    api = await startApiTestApp({ telemetry: { listen: { host: '127.0.0.1', port: 0 } } });
    apiPort = api.app.get(MetricsEndpoint).port!;
    workerPort = await freePort();
    worker = spawn(process.execPath, ['-r', './infra/register.js', 'apps/worker/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: api.db.url,
        KAFKA_BROKERS: feed.brokers.join(','),
        KAFKA_TOPIC_PREFIX: feed.topicPrefix,
        KAFKA_STATUS_PARTITIONS: '1',
        KAFKA_EVENTS_PARTITIONS: '1',
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(workerPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk) => output.push(String(chunk)));
    worker.stderr?.on('data', (chunk) => output.push(String(chunk)));
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await api?.close();
  });

  it('exports every series with its labels, and the counters move with the commands', async () => {
    const before = await scrape(apiPort);
    await waitUntil(async () => (await scrape(workerPort).catch(() => undefined)) !== undefined, { timeoutMs: 60_000, intervalMs: 200, what: `the worker's metrics listener (output: ${output.join('')})` });

    const sourceA = await registerSource(api, { name: `Wire ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'wire_agency' });
    const sourceB = await registerSource(api, { name: `Research ${randomUUID().slice(0, 6)}`, reliability: 'B', kind: 'research_organisation' });
    const opened = await api.http().post('/claims').send(openClaimBody(sourceA)).expect(201);
    const claimId: string = opened.body.id;
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(sourceB) }).expect(201);
    await api.http().get(`/claims/${claimId}`).expect(200);
    await api.http().get(`/claims/${randomUUID()}`).expect(404);
    await api.anonymous().get('/claims').expect(401);

    const after = await scrape(apiPort);
    // The HTTP histogram: route templates, never raw URLs (no claim id in any label).
    const routes = new Set(after.samples.filter((sample) => sample.name === 'http_server_request_duration_seconds_count').map((sample) => `${sample.labels.http_request_method} ${sample.labels.http_route} ${sample.labels.http_response_status_code}`));
    expect([...routes]).toEqual(expect.arrayContaining(['POST /claims 201', 'POST /claims/:claimId/reports 201', 'GET /claims/:claimId 200', 'GET /claims/:claimId 404', 'GET /claims 401', 'POST /sources 201']));
    expect(after.samples.some((sample) => Object.values(sample.labels).some((value) => value.includes(claimId)))).toBe(false);
    expect(after.types.get('http_server_request_duration_seconds')).toBe('histogram');
    expect(total(after.samples, 'http_server_request_duration_seconds_bucket', { http_route: '/claims/:claimId/reports', le: '+Inf' })).toBe(1);
    expect(total(after.samples, 'http_server_request_duration_seconds_sum', { http_route: '/claims/:claimId/reports' })).toBeGreaterThan(0);

    // Two sources, a claim and a report: at least four events, counted once committed.
    expect(total(after.samples, 'claim_ledger_events_appended_total') - total(before.samples, 'claim_ledger_events_appended_total')).toBeGreaterThanOrEqual(4);
    const statusChanges = after.samples.filter((sample) => sample.name === 'claim_ledger_status_changes_total');
    expect(statusChanges.length).toBeGreaterThan(0);
    expect(statusChanges.every((sample) => typeof sample.labels.status === 'string' && sample.labels.status.length > 0)).toBe(true);
    expect(total(after.samples, 'claim_ledger_status_changes_total')).toBeGreaterThanOrEqual(1);
    expect(after.types.get('claim_ledger_outbox_pending')).toBe('gauge');
    expect(after.samples.find((sample) => sample.name === 'claim_ledger_outbox_pending')?.value).toEqual(expect.any(Number));
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']) expect(after.samples.some((sample) => sample.name === name)).toBe(true);

    // The worker relays what the API wrote: its publish counters move per topic, and its events lane is a subscription with a lag.
    const statusTopic = STATUS_TOPIC;
    const outboxRows = Number((await api.db.pool.query('SELECT count(*) FROM feed_outbox')).rows[0].count);
    await waitUntil(async () => total((await scrape(workerPort)).samples, 'claim_ledger_feed_published_total', { topic: statusTopic }) >= outboxRows, { timeoutMs: 60_000, intervalMs: 200, what: 'the worker to publish the status changes' });
    await waitUntil(async () => total((await scrape(workerPort)).samples, 'claim_ledger_feed_published_total', { topic: EVENTS_TOPIC }) >= 4, { timeoutMs: 60_000, intervalMs: 200, what: 'the worker to publish the events' });
    // The lag gauge comes from figures up to a second old: wait for a refresh that saw the lane's checkpoint.
    const lane = `feed:${feed.topicPrefix}${EVENTS_TOPIC}`;
    const lagOf = (figures: Awaited<ReturnType<typeof scrape>>) => figures.samples.filter((sample) => sample.name === 'claim_ledger_subscription_lag_events').map((sample) => sample.labels.subscription);
    await waitUntil(async () => lagOf(await scrape(workerPort)).includes(lane), { timeoutMs: 30_000, intervalMs: 200, what: "the worker's lag gauge to show its events lane" });
    const workerFigures = await scrape(workerPort);
    expect(lagOf(workerFigures)).toContain(lane);
    expect(workerFigures.samples.find((sample) => sample.name === 'claim_ledger_outbox_pending')?.value).toEqual(expect.any(Number));
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'claim_ledger_events_appended_total']) expect(workerFigures.samples.some((sample) => sample.name === name)).toBe(true);
    // The API's monitor reads the same database: it sees the worker's checkpoint too, caught up once the relay is.
    await waitUntil(async () => total((await scrape(apiPort)).samples, 'claim_ledger_subscription_lag_events', { subscription: `feed:${feed.topicPrefix}${EVENTS_TOPIC}` }) === 0, { timeoutMs: 30_000, intervalMs: 200, what: 'the events lane lag to reach 0' });
    await waitUntil(async () => (await scrape(apiPort)).samples.find((sample) => sample.name === 'claim_ledger_outbox_pending')?.value === 0, { timeoutMs: 30_000, intervalMs: 200, what: 'the outbox to drain' });
  });
});
