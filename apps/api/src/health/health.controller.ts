import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Pool } from 'pg';
import { Public } from '../auth/access.decorators';
import { FeedHealth } from '../feeds/feed-health';

interface SubscriptionHealth {
  name: string;
  lagEvents: number;
  lastError: string | null;
}

/** Liveness and readiness in one: PostgreSQL reachable, and how far each subscription trails the log. */
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly pool: Pool,
    private readonly feed: FeedHealth,
  ) {}

  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) response: Response) {
    const started = Date.now();
    try {
      const { rows } = await this.pool.query<{ name: string; lag_events: number; last_error: string | null }>(
        `SELECT c.name, (SELECT count(*)::int FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag_events,
                c.last_error
           FROM subscription_checkpoints c ORDER BY c.name`,
      );
      const subscriptions: SubscriptionHealth[] = rows.map((row) => ({ name: row.name, lagEvents: row.lag_events, lastError: row.last_error }));
      return { status: 'ok', database: { status: 'up', latencyMs: Date.now() - started }, subscriptions, feed: await this.feed.report() };
    } catch (error) {
      response.status(503);
      return { status: 'unavailable', database: { status: 'down', error: error instanceof Error ? error.message : String(error) } };
    }
  }
}
