import type { Pool } from 'pg';
import type { EventStoreLogger } from './event-store.logger';
import { APPENDED_CHANNEL } from './pg-channel-listener';

const NOTIFY_INTERVAL_MS = 10;

/**
 * Tells subscribers that the log grew: at once in this process (`wakeLocal`), and by NOTIFY to other
 * processes, which also poll, so a lost notification only delays them. The NOTIFY is sent outside any
 * append's transaction and at most once per interval: NOTIFY inside a transaction serialises every
 * notifying commit on a server-wide lock.
 */
export class AppendNotifier {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pool: Pool,
    private readonly logger: EventStoreLogger,
    private readonly wakeLocal: () => void,
  ) {}

  signal(): void {
    this.wakeLocal();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if ((this.pool as Pool & { ending?: boolean }).ending) return;
      this.pool.query(`SELECT pg_notify('${APPENDED_CHANNEL}', '')`).catch((error: unknown) =>
        this.logger.warn({ err: String(error) }, 'event store: could not notify subscribers; they will poll'),
      );
    }, NOTIFY_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Drops a pending NOTIFY (the store is closing). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
