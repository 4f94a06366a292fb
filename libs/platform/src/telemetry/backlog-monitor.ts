import type { Pool } from 'pg';
import { listSubscriptionCheckpoints, oldestRunningTransaction, type OldestRunningTransaction, type SubscriptionCheckpointStatus } from '@claims/event-store';
import { outboxBacklog } from '@claims/feed';

export interface SubscriptionBacklog extends SubscriptionCheckpointStatus {
  /** Seconds its checkpoint has stood still while events wait after it; 0 when it is caught up or moving. */
  stalledSeconds: number;
}

export interface BacklogSnapshot {
  /** When the figures were read. */
  at: Date;
  subscriptions: SubscriptionBacklog[];
  outbox: { pending: number; oldestPendingAt: Date | null };
  oldestRunningTransaction: OldestRunningTransaction | undefined;
}

const DEFAULT_MAX_AGE_MS = 1_000;

/**
 * How far the log's readers trail it (subscription lag, the outbox backlog, the oldest running transaction),
 * read at most once per `maxAgeMs` however many probes and scrapes ask: concurrent askers share one read,
 * and a probe every 100 ms costs what one every second does. Counting the lag scans the events after each
 * checkpoint, which is why /health used to be slow under a probe every second.
 */
export class BacklogMonitor {
  private latestSnapshot?: BacklogSnapshot;
  private inFlight?: Promise<BacklogSnapshot>;
  /** Per subscription: the position last seen and since when it has not moved. */
  private readonly standing = new Map<string, { position: string; since: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly options: { maxAgeMs?: number } = {},
  ) {}

  /** Figures at most `maxAgeMs` old (read now when the cached ones are older). Rejects when PostgreSQL does not answer. */
  snapshot(): Promise<BacklogSnapshot> {
    const latest = this.latestSnapshot;
    if (latest && Date.now() - latest.at.getTime() < (this.options.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) return Promise.resolve(latest);
    return this.refresh();
  }

  /** The last figures read, without waiting; starts a refresh in the background when they are stale. */
  latest(): BacklogSnapshot | undefined {
    const latest = this.latestSnapshot;
    if (!latest || Date.now() - latest.at.getTime() >= (this.options.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) this.refresh().catch(() => undefined);
    return latest;
  }

  private refresh(): Promise<BacklogSnapshot> {
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async read(): Promise<BacklogSnapshot> {
    const [checkpoints, outbox, oldest] = await Promise.all([listSubscriptionCheckpoints(this.pool), outboxBacklog(this.pool), oldestRunningTransaction(this.pool)]);
    const now = Date.now();
    const subscriptions = checkpoints.map((checkpoint) => {
      const position = `${checkpoint.position.transactionId}/${checkpoint.position.globalPosition}`;
      const seen = this.standing.get(checkpoint.name);
      if (!seen || seen.position !== position || checkpoint.lag === 0) this.standing.set(checkpoint.name, { position, since: now });
      const since = this.standing.get(checkpoint.name)!.since;
      return { ...checkpoint, stalledSeconds: checkpoint.lag > 0 ? Math.round((now - since) / 1000) : 0 };
    });
    this.latestSnapshot = { at: new Date(now), subscriptions, outbox, oldestRunningTransaction: oldest };
    return this.latestSnapshot;
  }
}
