import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { PgChannelListener } from '@claims/event-store';
import { type FeedLogger, stderrFeedLogger } from '../feed.logger';
import { hasPendingDeliveries, type LeasedDelivery, leaseDueDeliveries, recordDeliveryFailure, recordDeliverySuccess, WEBHOOK_CHANNEL } from './webhook-delivery.store';
import { sendWebhook } from './webhook-sender';
import { webhookHeaders } from './webhook-signature';

export interface WebhookDispatcherOptions {
  pool: Pool;
  logger?: FeedLogger;
  allowPrivate: boolean;
  /** Retries stop this long after the change was enqueued (or re-sent); the delivery is parked as failed. */
  retryHorizonMs: number;
  firstRetryDelayMs: number;
  maxRetryDelayMs: number;
  timeoutMs: number;
  pollIntervalMs: number;
  concurrency: number;
  /** Attempt time, for `webhook-timestamp` (seconds). Default: the real clock. */
  now?: () => Date;
}

export interface WebhookDispatcherStatus {
  running: boolean;
  delivered: number;
  failedAttempts: number;
  parked: number;
  lastError?: string;
}

/**
 * Sends the status changes queued in `webhook_deliveries` (filled by the outbox's trigger in the transaction
 * of each change) to their endpoints: at least once, in outbox order per endpoint and claim, retried with
 * exponential backoff and jitter until the horizon, then parked. Any number of dispatchers may run (API
 * processes, workers): each leases a disjoint batch, and a lease outlives one attempt's timeout, so a
 * dispatcher that dies mid-attempt only delays that delivery until its lease passes.
 */
export class WebhookDispatcher {
  private readonly logger: FeedLogger;
  private readonly listener: PgChannelListener;
  private running = false;
  private loop?: Promise<void>;
  private stopping = new AbortController();
  private readonly token = randomUUID();
  private readonly counters: WebhookDispatcherStatus = { running: false, delivered: 0, failedAttempts: 0, parked: 0 };

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.logger = options.logger ?? stderrFeedLogger;
    this.listener = new PgChannelListener(options.pool, WEBHOOK_CHANNEL, this.logger, { applicationName: 'claim-ledger-webhooks', lazy: true });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.loop;
    this.loop = undefined;
    await this.listener.close();
  }

  status(): WebhookDispatcherStatus {
    return { ...this.counters, running: this.running };
  }

  /** One round: leases due deliveries and sends them. Returns how many were attempted. */
  async dispatchOnce(): Promise<number> {
    const pool = this.options.pool;
    if (!(await hasPendingDeliveries(pool))) return 0;
    const leased = await leaseDueDeliveries(pool, { limit: this.options.concurrency, leaseMs: this.options.timeoutMs + 30_000, token: this.token });
    await Promise.all(leased.map((delivery) => this.deliver(delivery)));
    return leased.length;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const before = this.listener.notificationCount;
      try {
        const attempted = await this.dispatchOnce();
        failures = 0;
        if (attempted > 0) continue;
      } catch (error) {
        failures++;
        this.counters.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: this.counters.lastError }, 'webhook dispatcher: round failed; retrying');
        await this.listener.wait(Math.min(100 * 2 ** failures, 30_000), this.stopping.signal);
        continue;
      }
      if (this.listener.notificationCount !== before) continue;
      await this.listener.wait(this.options.pollIntervalMs, this.stopping.signal);
    }
  }

  private async deliver(delivery: LeasedDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const startedAt = this.options.now?.() ?? new Date();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const result =
      delivery.secrets.length === 0
        ? { ok: false, statusCode: null, error: 'no signing secret', durationMs: 0 }
        : await sendWebhook({ url: delivery.url, body, headers: webhookHeaders(delivery.secrets, delivery.messageId, timestamp, body), timeoutMs: this.options.timeoutMs, allowPrivate: this.options.allowPrivate });
    const attempt = { deliveryId: delivery.id, attempt: delivery.attempt, token: this.token, startedAt, durationMs: result.durationMs, statusCode: result.statusCode, error: result.error };
    if (result.ok) {
      await recordDeliverySuccess(this.options.pool, attempt);
      this.counters.delivered++;
      return;
    }
    this.counters.failedAttempts++;
    const state = await recordDeliveryFailure(this.options.pool, attempt, { retryDelayMs: this.retryDelay(delivery.attempt), horizonMs: this.options.retryHorizonMs });
    if (state === 'failed') {
      this.counters.parked++;
      this.logger.error({ deliveryId: delivery.id, webhookId: delivery.webhookId, attempts: delivery.attempt, err: result.error }, 'webhook delivery parked as failed after its retry horizon');
    }
  }

  /** Exponential, capped, with jitter (half to all of it), so receivers coming back are not hit in lockstep. */
  private retryDelay(attempt: number): number {
    const ceiling = Math.min(this.options.firstRetryDelayMs * 2 ** Math.min(attempt - 1, 40), this.options.maxRetryDelayMs);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
