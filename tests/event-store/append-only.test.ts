import { randomUUID } from 'node:crypto';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';

describe('the events table is append-only', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await new PgEventStore({ pool: db.pool }).append('claim-1', [{ eventId: randomUUID(), type: 'ClaimAsserted', data: { statement: 'x' } }]);
  });
  afterAll(() => db.drop());

  it.each([
    ['UPDATE', `UPDATE events SET data = '{"statement":"edited"}'`],
    ['DELETE', 'DELETE FROM events'],
    ['TRUNCATE', 'TRUNCATE events'],
  ])('%s is rejected, even for the superuser', async (operation, sql) => {
    await expect(db.pool.query(sql)).rejects.toThrow(`the events table is append-only: ${operation} is not allowed`);
    const { rows } = await db.pool.query('SELECT data FROM events');
    expect(rows).toEqual([{ data: { statement: 'x' } }]);
  });
});

describe('the log key of a row is not the writer\'s to choose', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('an INSERT naming an old transaction_id, even by the owner, gets the writing transaction id', async () => {
    const client = await db.pool.connect();
    let writer = '';
    try {
      await client.query('BEGIN');
      const { rows: current } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const { rows } = await client.query<{ transaction_id: string }>(
        `INSERT INTO events (transaction_id, stream_id, stream_version, event_id, event_type, data, hash)
         VALUES ('3'::xid8, 'claim-forged', 1, $1, 'ClaimAsserted', '{}', $2) RETURNING transaction_id::text AS transaction_id`,
        [randomUUID(), Buffer.alloc(32)],
      );
      await client.query('COMMIT');
      writer = current[0].xid;
      expect(rows[0].transaction_id).toBe(writer);
    } finally {
      client.release();
    }
    const { rows: stored } = await db.pool.query<{ transaction_id: string }>("SELECT transaction_id::text AS transaction_id FROM events WHERE stream_id = 'claim-forged'");
    expect(stored).toEqual([{ transaction_id: writer }]);
  });
});
