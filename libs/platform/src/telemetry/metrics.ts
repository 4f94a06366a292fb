import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BacklogMonitor } from './backlog-monitor';

/** Seconds: from a fast read (a few ms) to a slow command under load, and the 30 s a stuck request reaches. */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type HttpLabel = 'http_request_method' | 'http_route' | 'http_response_status_code';

/**
 * The series one process exports (README "Metrics", docs/observability.md). Each application instance has
 * its own `Registry`, never prom-client's global one: tests run several applications in one process, and
 * their figures must not mix. The backlog gauges read the monitor's cached figures when scraped: a scrape
 * costs at most one refresh per second, never a query per request.
 */
export class ClaimLedgerMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<HttpLabel>;
  readonly eventsAppended: Counter;
  readonly feedPublished: Counter<'topic'>;
  readonly statusChanges: Counter<'status'>;
  /** Where the backlog gauges read from (shared with the health routes). */
  readonly backlog?: BacklogMonitor;

  constructor(options: { backlog?: BacklogMonitor } = {}) {
    this.backlog = options.backlog;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests, by method, route template and status code.',
      labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.eventsAppended = new Counter({ name: 'claim_ledger_events_appended_total', help: 'Events appended to the log and committed by this process.', registers });
    this.feedPublished = new Counter({ name: 'claim_ledger_feed_published_total', help: 'Messages the feed relay of this process published, acknowledged by the broker, by topic.', labelNames: ['topic'], registers });
    this.statusChanges = new Counter({ name: 'claim_ledger_status_changes_total', help: 'Status changes this process announced (committed to the outbox), by new published status.', labelNames: ['status'], registers });
    const backlog = options.backlog;
    new Gauge({
      name: 'claim_ledger_subscription_lag_events',
      help: 'Events in the log after each subscription checkpoint (cached, refreshed at most every second).',
      labelNames: ['subscription'],
      registers,
      async collect() {
        const figures = await backlog?.snapshot().catch(() => undefined);
        this.reset();
        for (const subscription of figures?.subscriptions ?? []) this.set({ subscription: subscription.name }, subscription.lag);
      },
    });
    new Gauge({
      name: 'claim_ledger_outbox_pending',
      help: 'Outbox rows not yet published (cached, refreshed at most every second).',
      registers,
      async collect() {
        const figures = await backlog?.snapshot().catch(() => undefined);
        if (figures) this.set(figures.outbox.pending);
      },
    });
  }

  /** Prometheus text exposition format. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
