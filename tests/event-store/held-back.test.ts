import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { describeTransaction, oldestRunningTransaction, PgEventStore, type EventStoreLogger } from '@claims/event-store';
import { createTestDatabase, runCli, waitUntil, type TestDatabase } from '@claims/testing';

// A transaction left open stops every reader of the log at the events after it (they wait, never skip).
// Operators need to find it: the store names it, subscriptions warn about it, and they resume once it ends.
describe('readers held back by a transaction left open', () => {
  let db: TestDatabase;
  let stuck: Client;
  let stuckPid: number;
  let stuckXid: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    stuck = new Client({ connectionString: db.url, application_name: 'held-back-test-session' });
    await stuck.connect();
    stuckPid = (await stuck.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  });
  afterAll(async () => {
    await stuck.end().catch(() => undefined);
    await db.drop();
  });

  it('names the oldest running transaction, warns from a held-back subscription, and delivers once it ends', async () => {
    const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const logger: EventStoreLogger = { info: () => undefined, error: () => undefined, warn: (fields, message) => warnings.push({ fields, message }) };
    const store = new PgEventStore({ pool: db.pool, logger });
    const seen: string[] = [];
    const subscription = store.subscribe('held-back', { from: 'start', pollIntervalMs: 50, heldBackWarningMs: 300 }, async (event) => {
      seen.push(event.eventId);
    });
    try {
      await stuck.query('BEGIN');
      stuckXid = (await stuck.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0].xid;
      const eventId = randomUUID();
      await store.append(`claim-${randomUUID()}`, [{ eventId, type: 'ReportAdded', data: { n: 1 } }], { expectedVersion: 'no_stream' });

      // Only this database's transactions count: other test files' cannot be the one named here.
      const oldest = await oldestRunningTransaction(db.pool);
      expect(oldest).toMatchObject({ transactionId: stuckXid, pid: stuckPid, applicationName: 'held-back-test-session', state: 'idle in transaction', database: db.name });
      expect(oldest!.ageSeconds).toBeGreaterThanOrEqual(0);
      expect(describeTransaction(oldest!)).toContain(`pid ${stuckPid}`);

      // Held back past the warning threshold: a warning that names the session, and the status says since when.
      await waitUntil(() => warnings.some((warning) => warning.message.includes('held-back-test-session')), { timeoutMs: 20_000, what: 'the held-back warning' });
      const warning = warnings.find((entry) => entry.message.includes('held-back-test-session'));
      expect(warning?.message).toContain(`pid ${stuckPid}`);
      expect(warning?.fields).toMatchObject({ subscription: 'held-back', oldestTransaction: { transactionId: stuckXid, pid: stuckPid } });
      expect(subscription.status().heldBackSince).toBeInstanceOf(Date);
      expect(seen).toEqual([]);

      // The operator's view: `projections status` names it too.
      const status = await runCli(db.url, 'projections', 'status', '--json');
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).oldestRunningTransaction).toMatchObject({ transactionId: stuckXid, pid: stuckPid, applicationName: 'held-back-test-session' });

      await stuck.query('ROLLBACK');
      await waitUntil(() => seen.includes(eventId), { timeoutMs: 20_000, what: 'the held-back event' });
      expect(seen).toEqual([eventId]);
      await waitUntil(() => !subscription.status().heldBackSince, { what: 'heldBackSince to clear' });
      expect(subscription.status().heldBackSince).toBeUndefined();
    } finally {
      await stuck.query('ROLLBACK').catch(() => undefined);
      await store.close();
    }
  });
});
