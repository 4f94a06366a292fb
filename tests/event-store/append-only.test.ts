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
