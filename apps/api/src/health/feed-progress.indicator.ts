import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from './terminus';
import { BacklogMonitor } from '@claims/platform';

/**
 * How long a subscription may stand still with events waiting, or the outbox's oldest row wait, before the
 * process counts as stalled. Generous on purpose: a broker outage of a minute, or a re-grade holding the
 * log readers, is not a reason to take the API out of service.
 */
export const STALL_SECONDS = 300;

/**
 * The log's readers keep up: no subscription stalled behind the log, no outbox row waiting for ever. From
 * the backlog monitor's cached figures only (refreshed in the background when a probe finds them older
 * than a second), never a query in the probe itself; no figures yet counts as not stalled.
 */
@Injectable()
export class FeedProgressIndicator {
  constructor(
    private readonly backlog: BacklogMonitor,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check(key = 'progress') {
    const session = this.indicators.check(key);
    const figures = this.backlog.latest();
    if (!figures) return session.up({ figures: 'pending' });
    const stalled = figures.subscriptions.filter((subscription) => subscription.stalledSeconds > STALL_SECONDS).map((subscription) => subscription.name);
    const oldest = figures.outbox.oldestPendingAt;
    const outboxWaitSeconds = oldest ? Math.round((figures.at.getTime() - oldest.getTime()) / 1000) : 0;
    if (stalled.length > 0 || outboxWaitSeconds > STALL_SECONDS) return session.down({ stalledSubscriptions: stalled, outboxWaitSeconds });
    return session.up();
  }
}
