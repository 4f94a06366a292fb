import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from './terminus';
import { Pool } from 'pg';

/** How long a probe waits for PostgreSQL before it says it is down: a probe must answer, not hang with it. */
export const DATABASE_PROBE_TIMEOUT_MS = 2_000;

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/** `SELECT 1` on the application's pool, with a timeout: the one query a probe makes. */
@Injectable()
export class DatabaseIndicator {
  constructor(
    private readonly pool: Pool,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'database') {
    const session = this.indicators.check(key);
    const started = Date.now();
    try {
      await within(this.pool.query('SELECT 1'), DATABASE_PROBE_TIMEOUT_MS);
      return session.up({ latencyMs: Date.now() - started });
    } catch (error) {
      return session.down({ reason: error instanceof Error ? error.message : String(error) });
    }
  }
}
