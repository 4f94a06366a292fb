import { Controller, Get, HttpCode, Inject, Logger, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Pool } from 'pg';
import { listSubscriptionCheckpoints, oldestRunningTransaction } from '@claims/event-store';
import { Public } from '../auth/access.decorators';
import { DATABASE, type Database } from '../database/database';
import { FeedHealth } from '../feeds/feed-health';

interface SubscriptionHealth {
  name: string;
  lagEvents: number;
  /** Consecutive failures of its handler; the error itself is in the logs (this route is public). */
  failedAttempts: number;
}

/** How long readiness waits for PostgreSQL before it says it is down: a probe must answer, not hang with it. */
const READINESS_TIMEOUT_MS = 2_000;

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/**
 * `/health/live`: the process works (no I/O: restart it only when this fails). `/health/ready`: it can
 * serve (PostgreSQL answers); 503 during an outage, 200 again by itself once the database is back.
 * `/health`: readiness plus how far each subscription trails the log and the feed. The routes are
 * public, so they report states and counts, never error text (that goes to the logs).
 */
@Controller('health')
@Public()
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly pool: Pool,
    private readonly feed: FeedHealth,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  async ready(@Res({ passthrough: true }) response: Response) {
    const started = Date.now();
    try {
      await within(this.pool.query('SELECT 1'), READINESS_TIMEOUT_MS);
      return { status: 'ready', database: { status: 'up', latencyMs: Date.now() - started } };
    } catch (error) {
      this.logger.warn(`readiness: database unreachable: ${error instanceof Error ? error.message : String(error)}`);
      response.status(503);
      // The embedded server's state says whether this process is already bringing it back.
      const embedded = this.database.embedded?.state();
      return { status: 'unavailable', database: { status: 'down', ...(embedded ? { embeddedServer: embedded } : {}) } };
    }
  }

  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) response: Response) {
    const started = Date.now();
    try {
      // Readers of the log (subscriptions, the feed) wait for the oldest running transaction: its age tells a
      // stuck one apart from ordinary traffic. Which session it is goes to the CLI and the logs, not here.
      const [checkpoints, oldest] = await Promise.all([listSubscriptionCheckpoints(this.pool), oldestRunningTransaction(this.pool)]);
      const subscriptions: SubscriptionHealth[] = checkpoints.map((row) => ({ name: row.name, lagEvents: row.lag, failedAttempts: row.failedAttempts }));
      const log = { oldestRunningTransaction: oldest ? { ageSeconds: oldest.ageSeconds, state: oldest.state } : null };
      return { status: 'ok', database: { status: 'up', latencyMs: Date.now() - started }, log, subscriptions, feed: await this.feed.report() };
    } catch (error) {
      this.logger.error(`health check: database unreachable: ${error instanceof Error ? error.message : String(error)}`);
      response.status(503);
      return { status: 'unavailable', database: { status: 'down' } };
    }
  }
}
