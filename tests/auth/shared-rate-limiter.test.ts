import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { SharedRateLimiter } from '../../apps/api/src/auth/shared-rate-limiter';

/**
 * The per-key budget in PostgreSQL, with leases: a process takes up to a second's refill at once and
 * spends it from memory. Each limiter below stands for one API process; they share the bucket.
 */
describe('the shared rate limit with leases', () => {
  let db: TestDatabase;
  let clock = 0;
  const now = () => clock;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  const bucketOf = async (key: string) =>
    (await db.pool.query<{ tokens: number; granted: number }>('SELECT tokens, granted FROM rate_limit_buckets WHERE scope = $1 AND key = $2', ['key', key])).rows[0];

  it('takes a second of refill per round trip and spends it from memory', async () => {
    const limiter = new SharedRateLimiter(db.pool, 'key', 600, { leases: true, now });
    const key = randomUUID();
    for (let index = 0; index < 10; index++) expect((await limiter.take(key)).allowed).toBe(true);
    // 600 a minute is 10 a second: one take of 10 served the ten requests.
    const bucket = await bucketOf(key);
    expect(bucket.granted).toBe(10);
    expect(bucket.tokens).toBeCloseTo(590, 0);
    expect((await limiter.take(key)).allowed).toBe(true);
    expect((await bucketOf(key)).tokens).toBeLessThan(581);
  });

  it('holds the budget across processes: what a burst gets is the bucket plus at most one lease per process', async () => {
    const processes = [0, 1, 2].map(() => new SharedRateLimiter(db.pool, 'key', 120, { leases: true, now }));
    const key = randomUUID();
    let allowed = 0;
    let refused = 0;
    const started = performance.now();
    // Far more requests than the budget, round robin over the processes, concurrently within a round; the
    // clock does not move, so the bucket does not refill.
    for (let round = 0; round < 100; round++) {
      const decisions = await Promise.all(processes.map((limiter) => limiter.take(key)));
      allowed += decisions.filter((decision) => decision.allowed).length;
      refused += decisions.filter((decision) => !decision.allowed).length;
    }
    // Every token came out of the one bucket: 120 and what the database's clock refilled meanwhile (2 a
    // second), never 3 x 120.
    const refill = Math.ceil(((performance.now() - started) / 1000) * 2);
    expect(allowed).toBeGreaterThanOrEqual(120);
    expect(allowed).toBeLessThanOrEqual(120 + refill);
    expect(allowed + refused).toBe(300);
  });

  it('spends no lease after its second: an idle process goes back to the bucket', async () => {
    const first = new SharedRateLimiter(db.pool, 'key', 600, { leases: true, now });
    const key = randomUUID();
    expect((await first.take(key)).allowed).toBe(true); // took 10, spent 1
    clock += 1_001;
    expect((await first.take(key)).allowed).toBe(true);
    // The lease had expired: a second take from the bucket (the database's clock refilled it a little meanwhile).
    expect((await bucketOf(key)).tokens).toBeLessThan(581);
  });

  it('takes one token at a time for budgets under two a second (the exact shared bucket)', async () => {
    const limiter = new SharedRateLimiter(db.pool, 'key', 60, { leases: true, now });
    const key = randomUUID();
    expect((await limiter.take(key)).allowed).toBe(true);
    expect((await bucketOf(key)).granted).toBe(1);
    expect((await bucketOf(key)).tokens).toBeCloseTo(59, 0);
  });

  it('refuses with the wait for the next token once the bucket is empty', async () => {
    const limiter = new SharedRateLimiter(db.pool, 'key', 120, { leases: true, now });
    const key = randomUUID();
    let last: Awaited<ReturnType<SharedRateLimiter['take']>> | undefined;
    for (let index = 0; index < 121; index++) last = await limiter.take(key);
    expect(last).toMatchObject({ allowed: false });
    expect(last!.allowed === false && last!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});
