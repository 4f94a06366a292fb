import type { Pool } from 'pg';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

// The bucket refilled by the time since the last take (the database's clock, the same for every process),
// plus the tokens this process hands back ($5: a lease it did not spend), capped at the budget. SET
// expressions all read the old row.
const AVAILABLE = 'LEAST($3::float8, b.tokens + $5::float8 + EXTRACT(EPOCH FROM statement_timestamp() - b.refilled_at)::float8 * $3::float8 / 60)';

// One statement per take: up to $4 whole tokens when the bucket holds at least one, none otherwise.
// `granted` and `allowed` record what this take got (RETURNING reads the new row only).
const TAKE_SQL = `
  INSERT INTO rate_limit_buckets AS b (scope, key, tokens, refilled_at, allowed, granted)
  VALUES ($1, $2, $3::float8 - LEAST($4::float8, floor($3::float8)), statement_timestamp(), true, LEAST($4::float8, floor($3::float8))::int)
  ON CONFLICT (scope, key) DO UPDATE SET
    granted = CASE WHEN ${AVAILABLE} >= 1 THEN LEAST($4::float8, floor(${AVAILABLE}))::int ELSE 0 END,
    allowed = ${AVAILABLE} >= 1,
    tokens = ${AVAILABLE} - CASE WHEN ${AVAILABLE} >= 1 THEN LEAST($4::float8, floor(${AVAILABLE})) ELSE 0 END,
    refilled_at = statement_timestamp()
  RETURNING allowed, tokens, granted`;

/** Takes between sweeps of full buckets (a bucket untouched for a minute is full: it carries nothing). */
const SWEEP_EVERY = 10_000;

/** How long a process may spend tokens it took ahead (a lease), and the most it takes at once. */
const LEASE_MS = 1000;
const MAX_LEASE = 50;

type BucketTake = ({ allowed: true; granted: number } | { allowed: false; retryAfterSeconds: number }) & { tokensLeft: number };

interface Lease {
  tokens: number;
  until: number;
}

/**
 * A token bucket per key in PostgreSQL (`rate_limit_buckets`, unlogged), shared by every API process on
 * the database: `perMinute` requests a minute on average, bursts up to `perMinute`, whichever process
 * serves them. Concurrent takes of one key serialise on its row, so the total allowed is the budget, not
 * the budget times the processes.
 *
 * With `leases`, a take that reaches the database takes up to a second's refill at once (at most 50) and
 * this process spends the rest from memory for up to a second, so a busy key costs one round trip per
 * lease instead of one per request. What a lease did not spend goes back to the bucket with the process's
 * next take for the key, so leases cost a client nothing of its budget; what they change is timing: tokens
 * taken ahead may be spent up to a second later, so over any window a key gets at most one lease per
 * process more than the bucket alone would allow. A refusal is remembered until the bucket has a token
 * again, so a key over its budget costs no round trip per request either. Budgets under 120 a minute take
 * one token at a time, which is the exact shared bucket.
 */
export class SharedRateLimiter {
  private takes = 0;
  private readonly leaseSize: number;
  private readonly leases = new Map<string, Lease>();
  /** One database take per key at a time: requests that find the lease empty meanwhile wait for it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Keys refused lately, until their bucket has a token again (leases only). */
  private readonly refusedUntil = new Map<string, { until: number; tokens: number }>();
  private readonly now: () => number;

  constructor(
    private readonly pool: Pool,
    /** Separates budgets kept in the same table (request rate per key, failed authentications per address). */
    private readonly scope: string,
    private readonly perMinute: number,
    options: { leases?: boolean; now?: () => number } = {},
  ) {
    this.leaseSize = options.leases ? Math.max(1, Math.min(MAX_LEASE, Math.floor(perMinute / 60))) : 1;
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes one token; when none is left, answers how many seconds until the next one. */
  async take(key: string): Promise<RateDecision & { tokensLeft: number }> {
    if (this.leaseSize === 1) return this.takeFromBucket(key, 1, 0);
    for (;;) {
      const now = this.now();
      const lease = this.leases.get(key);
      if (lease && lease.tokens >= 1 && lease.until > now) {
        lease.tokens--;
        return { allowed: true, tokensLeft: lease.tokens };
      }
      const refused = this.refusedUntil.get(key);
      if (refused && refused.until > now) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((refused.until - now) / 1000)), tokensLeft: refused.tokens };
      const pending = this.inFlight.get(key);
      if (!pending) break;
      await pending.catch(() => undefined);
    }
    // An expired lease's unspent tokens go back with this take.
    const unspent = Math.floor(this.leases.get(key)?.tokens ?? 0);
    this.leases.delete(key);
    this.refusedUntil.delete(key);
    const taking = this.takeFromBucket(key, this.leaseSize, unspent);
    this.inFlight.set(key, taking);
    try {
      const decision = await taking;
      if (decision.allowed) {
        if (decision.granted > 1) {
          if (this.leases.size > 100_000) this.leases.clear();
          this.leases.set(key, { tokens: decision.granted - 1, until: this.now() + LEASE_MS });
        }
      } else {
        if (this.refusedUntil.size > 100_000) this.refusedUntil.clear();
        this.refusedUntil.set(key, { until: this.now() + this.msUntilToken(decision.tokensLeft), tokens: decision.tokensLeft });
      }
      return decision;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async takeFromBucket(key: string, upTo: number, handedBack: number): Promise<BucketTake> {
    if (++this.takes % SWEEP_EVERY === 0) this.sweep();
    const { rows } = await this.pool.query<{ allowed: boolean; tokens: number; granted: number }>({ name: 'rate_limit_take', text: TAKE_SQL, values: [this.scope, key, this.perMinute, upTo, handedBack] });
    const { allowed, tokens, granted } = rows[0];
    return allowed ? { allowed: true, tokensLeft: tokens, granted } : { allowed: false, retryAfterSeconds: this.secondsUntilToken(tokens), tokensLeft: tokens };
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
