import { Controller, Get, HttpCode, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from './terminus';
import type { Response } from 'express';
import { BacklogMonitor } from '@claims/platform';
import { Public } from '../auth/access.decorators';
import { DATABASE, type Database } from '../database/database';
import { FeedHealth } from '../feeds/feed-health';
import { DatabaseIndicator } from './database.indicator';
import { FeedProgressIndicator } from './feed-progress.indicator';
import { MigrationsIndicator } from './migrations.indicator';

interface SubscriptionHealth {
  name: string;
  lagEvents: number;
  /** Consecutive failures of its handler; the error itself is in the logs (this route is public). */
  failedAttempts: number;
  /** Seconds its checkpoint has stood still with events waiting (0: caught up or moving). */
  stalledSeconds: number;
}

/** Terminus answers a failed check with a 503 exception carrying the result: both outcomes as one result. */
const outcome = async (run: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> => {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
    throw error;
  }
};

const detail = (result: HealthCheckResult, key: string): Record<string, unknown> => (result.details[key] ?? {}) as Record<string, unknown>;

/**
 * Probes for Kubernetes (docs/observability.md), checked by `@nestjs/terminus` indicators, each cheap enough
 * for a probe every second. `/health/live`: the process works (no I/O: restart it only when this fails).
 * `/health/ready`: it can serve: PostgreSQL answers a `SELECT 1` (the one query a probe makes), every
 * migration is applied, the log's readers are not stalled (from cached figures); 503 otherwise, 200 again
 * by itself once the database is back. `/health`: readiness's database check plus how far each subscription
 * trails the log and the feed, from figures at most a second old. The routes are public, so they report
 * states and counts, never error text (that goes to the logs).
 */
@Controller('health')
@Public()
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly checks: HealthCheckService,
    private readonly database: DatabaseIndicator,
    private readonly migrations: MigrationsIndicator,
    private readonly progress: FeedProgressIndicator,
    private readonly backlog: BacklogMonitor,
    private readonly feed: FeedHealth,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    // Deliberately no indicator: liveness must not fail because a dependency did (that is readiness).
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  async ready(@Res({ passthrough: true }) response: Response) {
    const result = await outcome(() =>
      this.checks.check([() => this.database.check(), () => this.migrations.check(), (): HealthIndicatorResult => this.progress.check()]),
    );
    if (result.status === 'ok') return { status: 'ready', database: { status: 'up', latencyMs: detail(result, 'database').latencyMs }, migrations: { status: 'up' }, progress: { status: 'up' } };
    response.status(503);
    const database = detail(result, 'database');
    if (database.status !== 'up') {
      this.logger.warn(`readiness: database unreachable: ${String(database.reason)}`);
      // The embedded server's state says whether this process is already bringing it back.
      const embedded = this.db.embedded?.state();
      return { status: 'unavailable', database: { status: 'down', ...(embedded ? { embeddedServer: embedded } : {}) } };
    }
    const migrations = detail(result, 'migrations');
    const progress = detail(result, 'progress');
    this.logger.warn(`readiness: ${JSON.stringify({ migrations, progress })}`);
    return { status: 'unavailable', database: { status: 'up', latencyMs: database.latencyMs }, migrations, progress };
  }

  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) response: Response) {
    const database = detail(await outcome(() => this.checks.check([() => this.database.check()])), 'database');
    try {
      if (database.status !== 'up') throw new Error(String(database.reason));
      // Readers of the log (subscriptions, the feed) wait for the oldest running transaction: its age tells a
      // stuck one apart from ordinary traffic. Which session it is goes to the CLI and the logs, not here.
      const figures = await this.backlog.snapshot();
      const subscriptions: SubscriptionHealth[] = figures.subscriptions.map((row) => ({ name: row.name, lagEvents: row.lag, failedAttempts: row.failedAttempts, stalledSeconds: row.stalledSeconds }));
      const oldest = figures.oldestRunningTransaction;
      const log = { oldestRunningTransaction: oldest ? { ageSeconds: oldest.ageSeconds, state: oldest.state } : null };
      return { status: 'ok', database: { status: 'up', latencyMs: database.latencyMs }, log, subscriptions, feed: await this.feed.report(figures.outbox) };
    } catch (error) {
      this.logger.error(`health check: database unreachable: ${error instanceof Error ? error.message : String(error)}`);
      response.status(503);
      return { status: 'unavailable', database: { status: 'down' } };
    }
  }
}
