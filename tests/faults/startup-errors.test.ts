import { freePort, redactUrl, withDatabase } from '@claims/platform';
import { runProjectProcess } from '@claims/testing';

const adminUrl = (): string => process.env.TEST_POSTGRES_ADMIN_URL!;

/** Runs an entry point with `env` until it exits; its exit code and everything it printed. */
const runToExit = (entry: string, env: NodeJS.ProcessEnv) => runProjectProcess([entry], { LOG_LEVEL: 'warn', PORT: '0', KAFKA_BROKERS: '', ...env });

const API = 'apps/api/src/main.ts';
const WORKER = 'apps/worker/src/main.ts';

/**
 * A service that cannot reach or log in to its database, or is given an invalid variable, says so in one
 * line on stderr and exits 1: no stack trace, which would only bury the line the operator needs.
 */
describe('start-up with a database it cannot use', () => {
  it('names the server and the reason in one line, exits 1, prints no stack trace (closed port, unknown database, unknown role, invalid variable, worker)', async () => {
    const closed = `postgres://postgres@127.0.0.1:${await freePort()}/claims`;
    const unknownDatabase = withDatabase(adminUrl(), 'no_such_database_f4e1');
    const unknownRole = new URL(adminUrl());
    unknownRole.username = 'no_such_role_f4e1';
    const runs = await Promise.all([
      runToExit(API, { DATABASE_URL: closed }),
      runToExit(API, { DATABASE_URL: unknownDatabase }),
      runToExit(API, { DATABASE_URL: unknownRole.toString() }),
      runToExit(API, { DATABASE_URL: closed, PORT: 'eighty' }),
      runToExit(WORKER, { DATABASE_URL: closed, KAFKA_BROKERS: '127.0.0.1:9' }),
    ]);
    const [closedRun, databaseRun, roleRun, variableRun, workerRun] = runs.map(({ code, stdout, stderr }) => ({ code, stdout, lines: stderr.trim().split('\n') }));

    expect(closedRun).toEqual({ code: 1, stdout: '', lines: [`claim-ledger failed to start: cannot connect to PostgreSQL at ${closed} (DATABASE_URL): connection refused (no server listening there)`] });
    expect(databaseRun).toEqual({ code: 1, stdout: '', lines: [`claim-ledger failed to start: cannot connect to PostgreSQL at ${redactUrl(unknownDatabase)} (DATABASE_URL): database "no_such_database_f4e1" does not exist`] });
    // Over TCP with a password PostgreSQL does not say whether the role exists; with trust it does.
    expect(roleRun.code).toBe(1);
    expect(roleRun.lines).toHaveLength(1);
    expect(roleRun.lines[0]).toMatch(
      new RegExp(`^claim-ledger failed to start: cannot connect to PostgreSQL at ${escape(redactUrl(unknownRole.toString()))} \\(DATABASE_URL\\): (role "no_such_role_f4e1" does not exist|password authentication failed for user "no_such_role_f4e1")$`),
    );
    expect(variableRun.code).toBe(1);
    expect(variableRun.lines).toHaveLength(1);
    expect(variableRun.lines[0]).toMatch(/^claim-ledger failed to start: invalid configuration: PORT: /);
    expect(workerRun).toEqual({ code: 1, stdout: '', lines: [`claim-ledger worker failed to start: cannot connect to PostgreSQL at ${closed} (DATABASE_URL): connection refused (no server listening there)`] });
  });
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
