import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, runCli, type TestDatabase } from '@claims/testing';

/** `npm run cli -- <args>` against the test database, as an operator runs it. */
const cli = (db: TestDatabase, ...args: string[]) => runCli(db.url, ...args);

describe('npm run cli -- keys', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('creates a key shown once, lists it without the secret, and revokes it, all recorded as events by the command line', async () => {
    const created = await cli(db, 'keys', 'create', '--name', 'Amina', '--role', 'editor', '--expires', '2030-01-01', '--json');
    expect(created).toMatchObject({ code: 0 });
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ name: 'Amina', role: 'editor', status: 'active', expiresAt: '2030-01-01T00:00:00.000Z', secret: expect.stringMatching(/^clk_/) });

    const listed = await cli(db, 'keys', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).toContain(key.prefix);
    expect(listed.stdout).not.toContain(key.secret);

    const revoked = await cli(db, 'keys', 'revoke', key.id, '--reason', 'laptop lost');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked API key ${key.id}`);

    const store = new PgEventStore({ pool: db.pool });
    const events = await store.readStream(`api-key-${key.id}`);
    await store.close();
    expect(events.map((event) => event.type)).toEqual(['ApiKeyIssued', 'ApiKeyRevoked']);
    for (const event of events) expect(event.metadata.actor).toMatchObject({ id: expect.stringMatching(/^cli:/), name: expect.stringMatching(/^command line/) });
    expect(JSON.stringify(events)).not.toContain(key.secret);
    const { rows } = await db.pool.query('SELECT revoked_at FROM api_keys WHERE key_id = $1', [key.id]);
    expect(rows[0].revoked_at).toBeInstanceOf(Date);
  });

  it('refuses wrong usage with exit code 2 and a message, writing nothing', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
    const badRole = await cli(db, 'keys', 'create', '--name', 'x', '--role', 'root');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role');
    const badId = await cli(db, 'keys', 'revoke', 'not-an-id');
    expect(badId.code).toBe(2);
    const unknown = await cli(db, 'keys', 'revoke', '8f14e45f-ceea-467a-9a36-dedd4bea2543');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('API_KEY_NOT_FOUND');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(before);
  });
});
