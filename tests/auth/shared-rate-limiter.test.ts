import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { SharedRateLimiter } from '../../apps/api/src/auth/shared-rate-limiter';

/**
 * The per-key budget in PostgreSQL, with leases: a process takes up to a second's refill at once and
 * spends it from memory. Each limiter below stands for one API process; they share the bucket. The
 * limiters' own clock (`now`, leases and remembered refusals) is the test's; the bucket's is the database's,
 * so every bound on tokens allows for what the database's clock refilled during the test.
 */
describe('the shared rate limit with leases', () => {
  let db: TestDatabase;
  let clock = 0;
  const now = () => clock;
  let queries = 0;
  /** The test database's pool, counting the statements a limiter sends. */
  let counted: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    counted = {
      query: (...args: Parameters<Pool['query']>) => {
        queries++;
        return (db.pool.query as (...a: unknown[]) => unknown)(...args);
      },
    } as unknown as Pool;
  });

  afterAll(async () => {
    await db.drop();
  });

  /** A limiter on the counting pool and a fresh key, with the statement count reset. */
  const countedLimiter = (perMinute: number) => {
    queries = 0;
    return { limiter: new SharedRateLimiter(counted, 'key', perMinute, { leases: true, now }), key: randomUUID() };
  };

  const bucketOf = async (key: string) =>
    (await db.pool.query<{ tokens: number; granted: number }>('SELECT tokens, granted FROM rate_limit_buckets WHERE scope = $1 AND key = $2', ['key', key])).rows[0];

  it('takes a second of refill in one round trip and spends it from memory', async () => {
    const { limiter, key } = countedLimiter(600);
    for (let index = 0; index < 10; index++) expect((await limiter.take(key)).allowed).toBe(true);
    // 600 a minute is 10 a second: one take of 10 served the ten requests.
    expect(queries).toBe(1);
    expect((await bucketOf(key)).granted).toBe(10);
    expect((await limiter.take(key)).allowed).toBe(true);
    expect(queries).toBe(2);
  });

  it('serves concurrent requests of one process with one database take per lease', async () => {
    const { limiter, key } = countedLimiter(600);
    const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.take(key)));
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
    expect(queries).toBe(3);
  });

  it('hands an expired lease’s unspent tokens back to the bucket: a lease costs the client nothing', async () => {
    const limiter = new SharedRateLimiter(db.pool, 'key', 600, { leases: true, now });
    const key = randomUUID();
    const started = performance.now();
    expect((await limiter.take(key)).allowed).toBe(true); // takes 10, spends 1
    clock += 1_001;
    expect((await limiter.take(key)).allowed).toBe(true); // hands back 9, takes 10, spends 1
    const refill = ((performance.now() - started) / 1000) * 10;
    // 600 - 10 + 9 - 10: the two spent tokens and the ten leased now (without the hand-back: 580).
    const { tokens } = await bucketOf(key);
    expect(tokens).toBeGreaterThanOrEqual(589 - 1e-6);
    expect(tokens).toBeLessThanOrEqual(589 + refill + 1e-6);
  });

  it('holds the budget across processes: every token of a burst comes out of the one bucket', async () => {
    const processes = [0, 1, 2].map(() => new SharedRateLimiter(db.pool, 'key', 120, { leases: true, now }));
    const key = randomUUID();
    let allowed = 0;
    let refused = 0;
    const started = performance.now();
    // Far more requests than the budget, round robin over the processes, concurrently within a round.
    for (let round = 0; round < 100; round++) {
      const decisions = await Promise.all(processes.map((limiter) => limiter.take(key)));
      allowed += decisions.filter((decision) => decision.allowed).length;
      refused += decisions.filter((decision) => !decision.allowed).length;
    }
    // 120 and what the database's clock refilled meanwhile (2 a second), never 3 x 120.
    const refill = Math.ceil(((performance.now() - started) / 1000) * 2);
    expect(allowed).toBeGreaterThanOrEqual(120);
    expect(allowed).toBeLessThanOrEqual(120 + refill);
    expect(allowed + refused).toBe(300);
  });

  it('remembers a refusal until the bucket has a token again: no round trip per refused request', async () => {
    const { limiter, key } = countedLimiter(120);
    let first: Awaited<ReturnType<SharedRateLimiter['take']>> | undefined;
    for (let index = 0; index < 300 && !first; index++) {
      const decision = await limiter.take(key);
      if (!decision.allowed) first = decision;
    }
    expect(first).toMatchObject({ allowed: false });
    expect(first!.allowed === false && first!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    queries = 0;
    for (let index = 0; index < 50; index++) expect(await limiter.take(key)).toMatchObject({ allowed: false });
    expect(queries).toBe(0);
    clock += 60_000; // past the wait it answered: the next request asks the bucket again
    await limiter.take(key);
    expect(queries).toBe(1);
  });

  it('takes one token at a time for budgets under two a second (the exact shared bucket)', async () => {
    const { limiter, key } = countedLimiter(60);
    for (let index = 0; index < 3; index++) expect((await limiter.take(key)).allowed).toBe(true);
    expect(queries).toBe(3);
    expect((await bucketOf(key)).granted).toBe(1);
  });
});
