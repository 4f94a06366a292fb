import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import type { Database } from '../database/database';

/** What every CLI command gets: configuration, a logger, and the database (opened on first use). */
export interface CliContext {
  config: AppConfig;
  logger: Logger;
  /** DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (started if needed), migrated. */
  database(): Promise<Database>;
  /** Lines for the user (stdout); progress and logs go to stderr. */
  print(line: string): void;
}

/** One command, e.g. `keys create`. Options are parsed by the command (node:util parseArgs). */
export interface CliCommand {
  /** Words after `npm run cli --`, e.g. `['keys', 'create']`. */
  path: string[];
  summary: string;
  usage?: string;
  /** Returns the exit code (0 when omitted). */
  run(args: string[], context: CliContext): Promise<number | void>;
}
