import { Client } from 'pg';
import { openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/**
 * What bounds a command on this platform is its round trips to PostgreSQL (docs/scaling.md): the fast
 * command path sends BEGIN, one call that locks the claim and its sources and reads those sources and the
 * claim's stream, the append, the row replace, the outbox insert and COMMIT. This pins
 * that count, so a change that adds a statement to every command is seen.
 */
describe('the statements one claim command sends', () => {
  let api: ApiTestApp;
  let sent: string[];
  let takes = 0;
  let recording = false;
  const original = Client.prototype.query;

  beforeAll(async () => {
    // A key cache longer than the test, so no key is reloaded inside a measured request.
    api = await startApiTestApp({ auth: { keyCacheTtlMs: 600_000 } });
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: Client, ...args: unknown[]) {
      const [first] = args;
      const text = typeof first === 'string' ? first : ((first as { text?: string }).text ?? '');
      // Not the command's: the log's NOTIFY, sent on a timer at most once per interval whatever the command
      // rate, and the rate limit's take, which a lease spreads over many requests (tests/auth/shared-rate-limiter.test.ts).
      const notCommands = text.startsWith("SELECT pg_notify('event_store_appended'") || text.includes('rate_limit_buckets');
      if (recording && !notCommands) sent.push(text.replace(/\s+/g, ' ').trim());
      if (recording && text.includes('rate_limit_buckets')) takes++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never;
  });

  afterAll(async () => {
    Client.prototype.query = original;
    await api.close();
  });

  const statementsOf = async (send: () => Promise<unknown>): Promise<string[]> => {
    sent = [];
    takes = 0;
    recording = true;
    try {
      await send();
    } finally {
      recording = false;
    }
    return sent;
  };

  it('opens a claim in six statements, one transaction', async () => {
    const sourceId = await registerSource(api, { name: 'Round-trip Wire', reliability: 'B' });
    await openClaim(api, openClaimBody(sourceId)); // warm: the key cache, prepared statements
    const statements = await statementsOf(() => api.http().post('/claims').send(openClaimBody(sourceId, { statement: 'A second claim opened by the same source' })).expect(201));
    expect(statements.filter((text) => text === 'BEGIN')).toHaveLength(1);
    expect(statements.filter((text) => text === 'COMMIT')).toHaveLength(1);
    expect(statements.some((text) => text.includes('claim_ledger_start_claim_write'))).toBe(true);
    expect(statements).toHaveLength(6);
  });

  it('adds a report from a second source in six statements: the claim’s own sources come with the lock call', async () => {
    const opener = await registerSource(api, { name: 'Round-trip Opener', reliability: 'B' });
    const reporter = await registerSource(api, { name: 'Round-trip Reporter', reliability: 'C' });
    const claim = await openClaim(api, openClaimBody(opener));
    const statements = await statementsOf(() => api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(reporter) }).expect(201));
    // One read in all: no second lock or read of the opener's row for the projection, no separate stream read.
    expect(statements.filter((text) => text.includes('source_view') || text.includes('FROM events'))).toHaveLength(0);
    expect(statements.filter((text) => text.includes('claim_ledger_start_claim_write'))).toHaveLength(1);
    expect(statements).toHaveLength(6);
  });

  it('takes the rate limit from the database once per lease, not once per request', async () => {
    const sourceId = await registerSource(api, { name: 'Round-trip Burst', reliability: 'B' });
    // The test app's budget is a million a minute: a lease is 50 requests' worth.
    const started = Date.now();
    await statementsOf(async () => {
      for (let index = 0; index < 20; index++) await api.http().post('/claims').send(openClaimBody(sourceId, { statement: `Burst claim ${index}` })).expect(201);
    });
    // One take per lease, and a lease lasts a second: a slow machine may need one more per second it took.
    expect(takes).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 1000));
    expect(takes).toBeLessThan(20);
  });
});
