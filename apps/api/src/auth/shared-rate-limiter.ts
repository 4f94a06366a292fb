import type { Pool } from 'pg';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

// One statement per take: refill by the time since the last take (the database's clock, the same for
// every process), cap at the budget, take one token if there is one. SET expressions all read the old row.
const TAKE_SQL = `
  INSERT INTO rate_limit_buckets AS b (scope, key, tokens, refilled_at, allowed)
  VALUES ($1, $2, $3::float8 - 1, statement_timestamp(), true)
  ON CONFLICT (scope, key) DO UPDATE SET
    allowed = LEAST($3::float8, b.tokens + EXTRACT(EPOCH FROM statement_timestamp() - b.refilled_at)::float8 * $3::float8 / 60) >= 1,
    tokens = LEAST($3::float8, b.tokens + EXTRACT(EPOCH FROM statement_timestamp() - b.refilled_at)::float8 * $3::float8 / 60)
      - CASE WHEN LEAST($3::float8, b.tokens + EXTRACT(EPOCH FROM statement_timestamp() - b.refilled_at)::float8 * $3::float8 / 60) >= 1 THEN 1 ELSE 0 END,
    refilled_at = statement_timestamp()
  RETURNING allowed, tokens`;

/** Takes between sweeps of full buckets (a bucket untouched for a minute is full: it carries nothing). */
const SWEEP_EVERY = 10_000;

/**
 * A token bucket per key in PostgreSQL (`rate_limit_buckets`, unlogged), shared by every API process on
 * the database: `perMinute` requests a minute on average, bursts up to `perMinute`, whichever process
 * serves them. One round trip per take; concurrent takes of one key serialise on its row, so the total
 * allowed is the budget, not the budget times the processes.
 */
export class SharedRateLimiter {
  private takes = 0;

  constructor(
    private readonly pool: Pool,
    /** Separates budgets kept in the same table (request rate per key, failed authentications per address). */
    private readonly scope: string,
    private readonly perMinute: number,
  ) {}

  /** Takes one token; when none is left, answers how many seconds until the next one. */
  async take(key: string): Promise<RateDecision & { tokensLeft: number }> {
    if (++this.takes % SWEEP_EVERY === 0) this.sweep();
    const { rows } = await this.pool.query<{ allowed: boolean; tokens: number }>(TAKE_SQL, [this.scope, key, this.perMinute]);
    const { allowed, tokens } = rows[0];
    return allowed ? { allowed: true, tokensLeft: tokens } : { allowed: false, retryAfterSeconds: this.secondsUntilToken(tokens), tokensLeft: tokens };
  }

  /** Milliseconds until a bucket holding `tokens` has one again. */
  msUntilToken(tokens: number): number {
    return Math.max(0, ((1 - tokens) * 60_000) / this.perMinute);
  }

  /** The same in whole seconds, at least 1: what `Retry-After` says. */
  secondsUntilToken(tokens: number): number {
    return Math.max(1, Math.ceil(this.msUntilToken(tokens) / 1000));
  }

  private sweep(): void {
    this.pool
      .query(`DELETE FROM rate_limit_buckets WHERE scope = $1 AND refilled_at < statement_timestamp() - interval '61 seconds'`, [this.scope])
      .catch(() => undefined);
  }
}
