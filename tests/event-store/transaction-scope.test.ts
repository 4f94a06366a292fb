import { afterCommit, ambientClient, runInTransaction } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';

// The unit of work under the API's keyed requests: nested transactions join the outer one, deferred work
// waits for the real commit, and a rollback takes everything with it.
describe('runInTransaction: a unit of work', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE notes (note text PRIMARY KEY)');
  });
  afterEach(() => db.pool.query('TRUNCATE notes'));
  afterAll(() => db.drop());

  const notes = async () => (await db.pool.query<{ note: string }>('SELECT note FROM notes ORDER BY note')).rows.map((row) => row.note);
  const note = (client: { query: (text: string, values: unknown[]) => Promise<unknown> }, text: string) => client.query('INSERT INTO notes (note) VALUES ($1)', [text]);

  it('a nested call joins the outer transaction on its connection, and its deferred work runs after the outer COMMIT, outside any unit', async () => {
    let innerPid = 0;
    let outerPid = 0;
    let beforeCommit: string[] = [];
    let afterCommitSaw: Promise<string[]> | undefined;
    let ambientInHook: unknown = 'not run';
    await runInTransaction(db.pool, async (outer) => {
      outerPid = (await outer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await runInTransaction(db.pool, async (inner) => {
        innerPid = (await inner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await note(inner, 'inner');
        afterCommit(() => {
          ambientInHook = ambientClient(db.pool);
          afterCommitSaw = notes();
        });
      });
      // Not committed yet: another connection does not see the joined part's row.
      beforeCommit = await notes();
      expect(ambientClient(db.pool)).toBe(outer);
    });
    expect({ same: innerPid === outerPid, beforeCommit, afterCommit: await afterCommitSaw, ambientInHook }).toEqual({
      same: true,
      beforeCommit: [],
      afterCommit: ['inner'],
      ambientInHook: undefined,
    });
  });

  it('a joined part that throws is undone alone (its savepoint) and its deferred work dropped; the caller may go on and commit', async () => {
    const ran: string[] = [];
    await runInTransaction(db.pool, async (outer) => {
      await note(outer, 'kept');
      await expect(
        runInTransaction(db.pool, async (inner) => {
          await note(inner, 'undone');
          afterCommit(() => ran.push('undone part'));
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      afterCommit(() => ran.push('kept part'));
    });
    expect({ notes: await notes(), ran }).toEqual({ notes: ['kept'], ran: ['kept part'] });
  });

  it('when the unit rolls back, joined parts and deferred work go with it', async () => {
    const ran: string[] = [];
    await expect(
      runInTransaction(db.pool, async (outer) => {
        await runInTransaction(db.pool, async (inner) => {
          await note(inner, 'joined');
          afterCommit(() => ran.push('joined'));
        });
        await note(outer, 'outer');
        throw new Error('cut off');
      }),
    ).rejects.toThrow('cut off');
    expect({ notes: await notes(), ran }).toEqual({ notes: [], ran: [] });
  });

  it('outside any unit, deferred work runs at once; work a finished unit left running opens a transaction of its own', async () => {
    const ran: string[] = [];
    afterCommit(() => ran.push('at once'));
    expect(ran).toEqual(['at once']);

    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let late: Promise<{ ambient: unknown }> | undefined;
    await runInTransaction(db.pool, async (client) => {
      late = gate.then(async () => {
        const ambient = ambientClient(db.pool);
        await runInTransaction(db.pool, (own) => note(own, 'late'));
        return { ambient };
      });
      await note(client, 'unit');
    });
    openGate();
    expect({ late: await late, notes: await notes() }).toEqual({ late: { ambient: undefined }, notes: ['late', 'unit'] });
  });
});
