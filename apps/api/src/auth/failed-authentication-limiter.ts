import { RateLimiter } from './rate-limiter';
import type { SharedRateLimiter } from './shared-rate-limiter';

/**
 * Failed authentications per client address: `perMinute` on average, bursts up to `perMinute`. An address
 * over its budget is refused before its key is looked up, so guessing key ids (or flooding made-up ones)
 * costs the database nothing. Counted per address, not per key id: a limit per key id would let anyone
 * lock a real key out by sending it with a wrong secret.
 *
 * With a `shared` bucket (PostgreSQL, every API process), each failure is counted there, and a failure
 * that empties the address's budget blocks it here until the bucket has a token again; asking stays in
 * memory (no round trip on every request). So an address spreading its failures over N processes gets at
 * most the budget plus one failure per other process before each refuses it. Without one, this process's
 * memory alone counts.
 */
export class FailedAuthenticationLimiter {
  private readonly buckets: RateLimiter;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    perMinute: number,
    private readonly now: () => number = () => performance.now(),
    private readonly shared?: SharedRateLimiter,
  ) {
    this.buckets = new RateLimiter(perMinute, now);
  }

  /** Undefined while `address` may still try; else how many seconds until it may again. */
  blocked(address: string): { retryAfterSeconds: number } | undefined {
    if (this.shared) {
      const until = this.blockedUntil.get(address);
      if (until === undefined) return undefined;
      const left = until - this.now();
      if (left > 0) return { retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
      this.blockedUntil.delete(address);
      return undefined;
    }
    const state = this.buckets.peek(address);
    return state.allowed ? undefined : { retryAfterSeconds: state.retryAfterSeconds };
  }

  async recordFailure(address: string): Promise<void> {
    if (!this.shared) {
      this.buckets.take(address);
      return;
    }
    const taken = await this.shared.take(address);
    if (taken.tokensLeft < 1) {
      if (this.blockedUntil.size > 100_000) this.blockedUntil.clear();
      this.blockedUntil.set(address, this.now() + this.shared.msUntilToken(taken.tokensLeft));
    }
  }
}
