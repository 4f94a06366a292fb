import type { Pool } from 'pg';
import { PgChannelListener } from '@claims/event-store';
import { type FeedLogger, stderrFeedLogger } from './feed.logger';

export const OUTBOX_CHANNEL = 'feed_outbox_appended';

/** One LISTEN connection on the outbox channel, shared by every HTTP stream of the process; opened on first use. */
export class OutboxNotifier extends PgChannelListener {
  constructor(pool: Pool, logger: FeedLogger = stderrFeedLogger) {
    super(pool, OUTBOX_CHANNEL, logger, { applicationName: 'claim-ledger-feed-listener', lazy: true });
  }
}
