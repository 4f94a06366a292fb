/**
 * A token bucket per key, in this process's memory: `perMinute` requests a minute on average, bursts up
 * to `perMinute`. Several API processes each allow that much: the API's limits are kept in PostgreSQL
 * (`SharedRateLimiter`); this one serves a single process's own counting (`FailedAuthenticationLimiter`
 * without a shared bucket, unit tests).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; when none is left, answers how many seconds until the next one. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.refilled(key, now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    if (this.buckets.size > 100_000) this.sweep(now);
    return { allowed: false, retryAfterSeconds: this.secondsUntilToken(bucket) };
  }

  /** Like `take`, without taking: whether a token is left now. */
  peek(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const bucket = this.refilled(key, this.now());
    return bucket.tokens >= 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: this.secondsUntilToken(bucket) };
  }

  private refilled(key: string, now: number): { tokens: number; at: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  private secondsUntilToken(bucket: { tokens: number }): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  /** Full buckets carry no information: forget them so the map stays small. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
