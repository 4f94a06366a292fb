import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Pool } from 'pg';
import { createPool } from '@claims/platform';
import type { CliContext } from './cli-command';

/** A mistake the user can fix: the CLI prints the message and exits with `exitCode` (2: wrong usage). */
export class CliUsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export const parseCliArgs = <const Options extends NonNullable<ParseArgsConfig['options']>>(args: string[], usage: string, options: Options, allowPositionals = false) => {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CliUsageError(`${error instanceof Error ? error.message : String(error)}\nusage: ${usage}`);
  }
};

/**
 * A pool connected as the schema owner (not the application role): rebuilds create and rename tables and
 * imports set the log's sequence. Closed by the caller.
 */
export const ownerPool = async (context: CliContext): Promise<Pool> => {
  const database = await context.database();
  return createPool({ connectionString: database.url, max: 4, application_name: 'claim-ledger-cli' }, context.logger);
};

export const withOwnerPool = async <T>(context: CliContext, work: (pool: Pool) => Promise<T>): Promise<T> => {
  const pool = await ownerPool(context);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
};
