import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { outboxBacklog, type FeedRelayStatus } from '@claims/feed';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';

export interface FeedHealthReport {
  relay: FeedRelayStatus | { state: 'off'; reason: string };
  outbox: { pending: number; oldestPendingAt: Date | null };
}

/** The feed's part of /health: the relay's state and last error, and the outbox backlog. */
@Injectable()
export class FeedHealth {
  constructor(
    private readonly pool: Pool,
    @Inject(FEEDS_OPTIONS) private readonly options: FeedsOptions,
  ) {}

  async report(): Promise<FeedHealthReport> {
    return {
      relay: this.options.relay?.status() ?? { state: 'off', reason: 'no relay in this process (KAFKA_BROKERS unset, FEED_RELAY=off, or apps/worker relays)' },
      outbox: await outboxBacklog(this.pool),
    };
  }
}
