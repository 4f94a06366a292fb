import { Client, type Pool } from 'pg';

/** The channel the event store notifies (outside the append's transaction) when the log grew. */
export const APPENDED_CHANNEL = 'event_store_appended';

export interface ListenerOptions {
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Connect at construction (default) or on the first `wait`. */
  lazy?: boolean;
}

/**
 * One LISTEN connection on one channel, shared by every reader of a process. Notifications only wake
 * readers early: readers also poll, so a lost connection or notification delays delivery but never loses
 * anything. The connection comes back by itself with backoff.
 */
export class PgChannelListener {
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private readonly payloadListeners = new Set<(payload: string | undefined) => void>();
  private reconnectDelayMs = 100;
  /** Counts wake-ups; a reader compares it before and after a read to miss none. */
  notificationCount = 0;

  constructor(
    private readonly pool: Pool,
    readonly channel: string,
    private readonly logger: { warn(fields: Record<string, unknown>, message: string): void },
    private readonly options: ListenerOptions = {},
  ) {
    if (!options.lazy) void this.connect();
  }

  /** Resolves on the next notification, after `timeoutMs`, or when `signal` aborts, whichever is first. */
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
      if (signal?.aborted) return wake();
      signal?.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }

  /**
   * Calls `listener` with each notification's payload, and with undefined once the connection is (back)
   * up: notifications sent while it was down are lost, so "anything may have changed". Returns the
   * unsubscribe function.
   */
  onNotification(listener: (payload: string | undefined) => void): () => void {
    this.payloadListeners.add(listener);
    return () => this.payloadListeners.delete(listener);
  }

  /** Wakes this process's readers at once (a write made here needs no round trip to be noticed). */
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
      const client = new Client({ ...this.pool.options, ...(this.options.applicationName ? { application_name: this.options.applicationName } : {}) });
      client.on('notification', (message) => {
        this.wakeLocal();
        for (const listener of [...this.payloadListeners]) listener(message.payload);
      });
      client.on('error', (error) => this.onConnectionLost(client, error));
      try {
        await client.connect();
        await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
        this.reconnectDelayMs = 100;
        // Anything written while we were not listening is picked up by this wake-up.
        this.wakeLocal();
        for (const listener of [...this.payloadListeners]) listener(undefined);
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
    this.logger.warn({ err: String(error), channel: this.channel, retryInMs: this.reconnectDelayMs }, 'LISTEN connection lost; polling until it is back');
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 10_000);
    setTimeout(() => {
      if (!this.closed && !this.client && !this.connecting) void this.connect();
    }, delay).unref();
  }
}
