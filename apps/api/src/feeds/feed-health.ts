import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { outboxBacklog, type FeedRelayStatus } from '@claims/feed';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';

/** The relay's status without error text: /health is public, the errors are in the logs. */
type PublicRelayStatus = Omit<FeedRelayStatus, 'lastError' | 'status' | 'events'> & {
  status: Omit<FeedRelayStatus['status'], 'lastError'>;
  events?: Omit<NonNullable<FeedRelayStatus['events']>, 'lastError'>;
};

const withoutErrorText = ({ lastError: _relayError, status, events, ...relay }: FeedRelayStatus): PublicRelayStatus => {
  const { lastError: _statusError, ...statusRest } = status;
  const eventsRest = events ? (({ lastError: _eventsError, ...rest }) => rest)(events) : undefined;
  return { ...relay, status: statusRest, ...(eventsRest ? { events: eventsRest } : {}) };
};

export interface FeedHealthReport {
  relay: PublicRelayStatus | { state: 'off'; reason: string };
  outbox: { pending: number; oldestPendingAt: Date | null };
}

/** The feed's part of /health: the relay's state and failure counts, and the outbox backlog. */
@Injectable()
export class FeedHealth {
  constructor(
    private readonly pool: Pool,
    @Inject(FEEDS_OPTIONS) private readonly options: FeedsOptions,
  ) {}

  /** `outbox`: figures already read (the health routes' cached ones); read now when absent. */
  async report(outbox?: FeedHealthReport['outbox']): Promise<FeedHealthReport> {
    return {
      relay: this.options.relay ? withoutErrorText(this.options.relay.status()) : { state: 'off', reason: 'no relay in this process (KAFKA_BROKERS unset, FEED_RELAY=off, or apps/worker relays)' },
      outbox: outbox ?? (await outboxBacklog(this.pool)),
    };
  }
}
