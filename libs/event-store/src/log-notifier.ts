import { Client, type Pool } from 'pg';
import type { EventStoreLogger } from './event-store.logger';

export const APPENDED_CHANNEL = 'event_store_appended';

/**
 * One LISTEN connection per store, shared by its subscriptions. Notifications only wake readers early;
 * readers also poll, so a lost connection or notification delays delivery but never loses an event.
 */
export class LogNotifier {
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private reconnectDelayMs = 100;
  /** Counts notifications received; a reader compares it before and after a read to miss no wake-up. */
  notificationCount = 0;

  constructor(
    private readonly pool: Pool,
    private readonly logger: EventStoreLogger,
  ) {
    void this.connect();
  }

  /** Resolves on the next append notification or after `timeoutMs`, whichever comes first. */
  waitForAppend(timeoutMs: number): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake(), timeoutMs);
      wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
    return { promise, cancel: wake };
  }

  /** Wakes this process's waiting readers at once (an append made here needs no round trip to be noticed). */
  wakeLocal(): void {
    this.notificationCount++;
    for (const wake of [...this.waiters]) wake();
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
      const client = new Client(this.pool.options);
      client.on('notification', () => {
        this.notificationCount++;
        for (const wake of [...this.waiters]) wake();
      });
      client.on('error', (error) => this.onConnectionLost(client, error));
      try {
        await client.connect();
        await client.query(`LISTEN ${APPENDED_CHANNEL}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
        this.reconnectDelayMs = 100;
        // Anything appended while we were not listening is picked up by the wake-up below.
        for (const wake of [...this.waiters]) wake();
      } catch (error) {
        await client.end().catch(() => undefined);
        this.onConnectionLost(client, error);
      }
    })();
    return this.connecting;
  }

  private onConnectionLost(client: Client, error: unknown): void {
    if (this.closed) return;
    if (this.client === client) this.client = undefined;
    this.logger.warn({ err: String(error), retryInMs: this.reconnectDelayMs }, 'event store: LISTEN connection lost; polling until it is back');
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 10_000);
    setTimeout(() => {
      if (!this.closed && !this.client) void this.connect();
    }, delay).unref();
  }
}
