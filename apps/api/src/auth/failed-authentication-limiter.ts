import { RateLimiter } from './rate-limiter';

/**
 * Failed authentications per client address: `perMinute` on average, bursts up to `perMinute`, in this
 * process's memory. An address over its budget is refused before its key is looked up, so guessing key
 * ids (or flooding made-up ones) costs the database nothing. Counted per address, not per key id: a limit
 * per key id would let anyone lock a real key out by sending it with a wrong secret.
 */
export class FailedAuthenticationLimiter {
  private readonly buckets: RateLimiter;

  constructor(perMinute: number, now?: () => number) {
    this.buckets = new RateLimiter(perMinute, now);
  }

  /** Undefined while `address` may still try; else how many seconds until it may again. */
  blocked(address: string): { retryAfterSeconds: number } | undefined {
    const state = this.buckets.peek(address);
    return state.allowed ? undefined : { retryAfterSeconds: state.retryAfterSeconds };
  }

  recordFailure(address: string): void {
    this.buckets.take(address);
  }
}
