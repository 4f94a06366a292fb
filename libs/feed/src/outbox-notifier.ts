import { Client, type Pool } from 'pg';
import { type FeedLogger, stderrFeedLogger } from './feed.logger';

export const OUTBOX_CHANNEL = 'feed_outbox_appended';

/**
 * One LISTEN connection shared by every HTTP stream of the process. Notifications only wake readers
 * early: readers also poll, so a lost connection or notification delays a message but never loses it.
 */
export class OutboxNotifier {
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private reconnectDelayMs = 100;
  /** Counts notifications; a reader compares it before and after a read to miss no wake-up. */
  notificationCount = 0;

  constructor(
    private readonly pool: Pool,
    private readonly logger: FeedLogger = stderrFeedLogger,
  ) {}

  /** Resolves on the next outbox notification, after `timeoutMs`, or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (!this.client && !this.connecting && !this.closed) void this.connect();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting = (async () => {
      const client = new Client({ ...this.pool.options, application_name: 'claim-ledger-feed-listener' });
      client.on('notification', () => {
        this.notificationCount++;
        for (const wake of [...this.waiters]) wake();
      });
      client.on('error', (error) => this.onConnectionLost(client, error));
      try {
        await client.connect();
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
        this.reconnectDelayMs = 100;
        for (const wake of [...this.waiters]) wake();
      } catch (error) {
        await client.end().catch(() => undefined);
        this.onConnectionLost(client, error);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private onConnectionLost(client: Client, error: unknown): void {
    if (this.closed) return;
    if (this.client === client) this.client = undefined;
    this.logger.warn({ err: String(error), retryInMs: this.reconnectDelayMs }, 'feed: LISTEN connection lost; polling until it is back');
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 10_000);
    setTimeout(() => {
      if (!this.closed && !this.client && !this.connecting) void this.connect();
    }, delay).unref();
  }
}
