import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { compareLogPositions, LOG_START, type LogPosition } from '@claims/event-store';
import { OutboxNotifier, outboxHead, STATUS_TOPIC } from '@claims/feed';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';

/**
 * The one wake-up of every open status stream of the process. One LISTEN connection on the outbox
 * channel, and one loop that, on each notification (or, as a safety net, every `pollIntervalMs`), reads
 * the feed's readable head once and wakes the streams when it moved. A stream therefore queries the
 * outbox only when there is something new for it to read, and N idle streams cost one small query per
 * poll interval, not N.
 *
 * The head, not the notification, decides: a notification arrives at commit, but the row becomes
 * readable only once every older transaction has ended (the watermark), which sends nothing. Rows become
 * readable only past the previous head, so "the head moved" is exactly "something new is readable".
 */
@Injectable()
export class StatusFeedHub implements OnModuleDestroy {
  private readonly logger = new Logger(StatusFeedHub.name);
  private readonly notifier: OutboxNotifier;
  private readonly waiters = new Set<() => void>();
  private readonly stopped = new AbortController();
  private streams = 0;
  private head: LogPosition = LOG_START;
  private loop?: Promise<void>;
  private failing = false;
  /** Moves whenever the readable head moves; a stream compares it before and after a read to miss nothing. */
  generation = 0;

  constructor(
    private readonly pool: Pool,
    @Inject(FEEDS_OPTIONS) private readonly options: FeedsOptions,
  ) {
    const log = (level: 'log' | 'warn' | 'error') => (fields: Record<string, unknown>, message: string) => this.logger[level](`${message} ${JSON.stringify(fields)}`);
    this.notifier = new OutboxNotifier(pool, { info: log('log'), warn: log('warn'), error: log('error') });
  }

  /** A stream opens: the loop runs while at least one is open. Returns the function that closes it. */
  join(): () => void {
    this.streams++;
    this.ensureRunning();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.streams--;
      if (this.streams === 0) this.wakeAll();
    };
  }

  /** Resolves when `generation` is past `seen`, after `timeoutMs`, or when `signal` aborts. */
  waitForChange(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.generation !== seen || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    this.wakeAll();
    await this.loop;
    await this.notifier.close();
  }

  private ensureRunning(): void {
    if (this.loop || this.stopped.signal.aborted) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      // A stream that joined while the loop was finishing still needs one.
      if (this.streams > 0) this.ensureRunning();
    });
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollIntervalMs ?? 1000;
    while (this.streams > 0 && !this.stopped.signal.aborted) {
      const before = this.notifier.notificationCount;
      try {
        const head = await outboxHead(this.pool, STATUS_TOPIC);
        this.failing = false;
        if (compareLogPositions(head, this.head) !== 0) {
          this.head = head;
          this.generation++;
          this.wakeAll();
        }
      } catch (error) {
        // The database is away: streams keep their connections (and heartbeats) and resume when it is back.
        // Said once per outage, not once per poll.
        if (!this.failing) this.logger.warn(`status feed: could not read the feed's head: ${error instanceof Error ? error.message : String(error)}`);
        this.failing = true;
      }
      if (this.notifier.notificationCount !== before) continue;
      await this.notifier.wait(pollMs, this.stopped.signal);
    }
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
