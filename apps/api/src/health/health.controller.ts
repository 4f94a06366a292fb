import { Controller, Get, HttpCode, Logger, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Pool } from 'pg';
import { oldestRunningTransaction } from '@claims/event-store';
import { Public } from '../auth/access.decorators';
import { FeedHealth } from '../feeds/feed-health';

interface SubscriptionHealth {
  name: string;
  lagEvents: number;
  /** Consecutive failures of its handler; the error itself is in the logs (this route is public). */
  failedAttempts: number;
}

/**
 * Liveness and readiness in one: PostgreSQL reachable, and how far each subscription trails the log. The
 * route is public, so it reports states and counts, never error text (that goes to the logs).
 */
@Controller('health')
@Public()
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly pool: Pool,
    private readonly feed: FeedHealth,
  ) {}

  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) response: Response) {
    const started = Date.now();
    try {
      // Readers of the log (subscriptions, the feed) wait for the oldest running transaction: its age tells a
      // stuck one apart from ordinary traffic. Which session it is goes to the CLI and the logs, not here.
      const [{ rows }, oldest] = await Promise.all([
        this.pool.query<{ name: string; lag_events: number; failed_attempts: number }>(
          `SELECT c.name, (SELECT count(*)::int FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag_events,
                  c.failed_attempts
             FROM subscription_checkpoints c ORDER BY c.name`,
        ),
        oldestRunningTransaction(this.pool),
      ]);
      const subscriptions: SubscriptionHealth[] = rows.map((row) => ({ name: row.name, lagEvents: row.lag_events, failedAttempts: row.failed_attempts }));
      const log = { oldestRunningTransaction: oldest ? { ageSeconds: oldest.ageSeconds, state: oldest.state } : null };
      return { status: 'ok', database: { status: 'up', latencyMs: Date.now() - started }, log, subscriptions, feed: await this.feed.report() };
    } catch (error) {
      this.logger.error(`health check: database unreachable: ${error instanceof Error ? error.message : String(error)}`);
      response.status(503);
      return { status: 'unavailable', database: { status: 'down' } };
    }
  }
}
