import { runProjectProcess, type ProcessOutcome } from './project-process';

/** `npm run cli -- <args>` against a database, as an operator runs it. */
export const runCli = (databaseUrl: string, ...args: string[]): Promise<ProcessOutcome> =>
  runProjectProcess(['apps/api/src/cli/cli.ts', ...args], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
