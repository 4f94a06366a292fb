import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import { withTransaction, type TransactionOptions } from './checked-out-client';
import { stderrLogger, type EventStoreLogger } from './event-store.logger';

/** One transaction (or one savepoint in it) that the work running inside it shares. */
interface Scope {
  readonly pool: Pool;
  readonly client: PoolClient;
  /** Savepoint nesting: 0 for the transaction itself. */
  readonly depth: number;
  /** Run once the real transaction commits; dropped with the scope when it rolls back. */
  readonly afterCommit: Array<() => void>;
  /** Joined work runs one at a time: a savepoint is a stack, interleaved work would unwind the wrong one. */
  joined: Promise<unknown>;
  /** False once the scope's work has ended: anything it left running must not join a transaction that is gone. */
  open: boolean;
}

const ambient = new AsyncLocalStorage<Scope>();

const runHooks = (hooks: ReadonlyArray<() => void>, logger: EventStoreLogger) =>
  ambient.exit(() => {
    for (const hook of hooks) {
      try {
        hook();
      } catch (error) {
        // The transaction is committed: a failing follow-up must not turn the committed work into an error.
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'after-commit work failed');
      }
    }
  });

const joinScope = <T>(outer: Scope, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const run = async () => {
    const scope: Scope = { pool: outer.pool, client: outer.client, depth: outer.depth + 1, afterCommit: [], joined: Promise.resolve(), open: true };
    const savepoint = `claim_ledger_scope_${scope.depth}`;
    await outer.client.query(`SAVEPOINT ${savepoint}`);
    try {
      const result = await ambient.run(scope, () => work(outer.client));
      await outer.client.query(`RELEASE SAVEPOINT ${savepoint}`);
      outer.afterCommit.push(...scope.afterCommit);
      return result;
    } catch (error) {
      // A lost connection fails this too; the outer transaction is then lost as well and fails on its own.
      await outer.client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw error;
    } finally {
      scope.open = false;
    }
  };
  const result = outer.joined.then(run, run);
  outer.joined = result.catch(() => undefined);
  return result;
};

/**
 * Runs `work` in a transaction that everything it calls shares: a unit of work. Inside `work`, another
 * `runInTransaction` on the same pool joins this transaction (in a savepoint, so a joined part that throws
 * is undone alone and the caller may go on) instead of opening a second one; {@link ambientClient} gives
 * queries the same connection, so they read the unit's own uncommitted writes; {@link afterCommit} defers
 * what must only follow a real commit (waking readers, invalidating caches).
 *
 * Outside any unit, it opens one (see `withTransaction`: committed when `work` resolves, rolled back when
 * it throws, a lost backend fails the work without crashing the process) and runs the deferred work after
 * its COMMIT. Nothing here knows who opens a unit: the API opens one per keyed request, so that the command
 * and the record of its response commit together.
 */
export const runInTransaction = async <T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: TransactionOptions & { logger?: EventStoreLogger } = {},
): Promise<T> => {
  const outer = ambient.getStore();
  if (outer?.open && outer.pool === pool) return joinScope(outer, work);
  const hooks: Array<() => void> = [];
  const result = await withTransaction(
    pool,
    async (client) => {
      const scope: Scope = { pool, client, depth: 0, afterCommit: hooks, joined: Promise.resolve(), open: true };
      try {
        return await ambient.run(scope, () => work(client));
      } finally {
        scope.open = false;
      }
    },
    options,
  );
  runHooks(hooks, options.logger ?? stderrLogger);
  return result;
};

/**
 * Runs `fn` once the current unit of work has really committed (at once when there is none); never when it
 * rolls back. For effects outside the database that must not announce what could still be undone.
 */
export const afterCommit = (fn: () => void): void => {
  const scope = ambient.getStore();
  if (scope?.open) scope.afterCommit.push(fn);
  else fn();
};

/** The connection of the unit of work on `pool` that the caller runs in, if any: read through it to see the unit's own writes. */
export const ambientClient = (pool: Pool): PoolClient | undefined => {
  const scope = ambient.getStore();
  return scope?.open && scope.pool === pool ? scope.client : undefined;
};
