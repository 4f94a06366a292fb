import 'reflect-metadata';
import { loadAppConfig } from '../config/app-config';
import { type Database, openDatabase } from '../database/database';
import { databaseFailureOf } from '../http/database-failure';
import { createLogger } from '../logging/logger';
import type { CliCommand, CliContext } from './cli-command';
import { CLI_COMMANDS } from './commands';

const PROGRAM = 'npm run cli --';

/** A command's synopsis: its `usage` when that is a whole command line, else its words and `usage`. */
const synopsis = (command: CliCommand): string =>
  command.usage?.startsWith(PROGRAM) ? command.usage.slice(PROGRAM.length).trim() : [...command.path, command.usage ?? ''].join(' ').trimEnd();

const help = (commands: readonly CliCommand[]): string =>
  [`usage: ${PROGRAM} <command> [options]`, '', ...commands.map((command) => `  ${synopsis(command)}\n      ${command.summary}`)].join('\n');

/** The command whose path is the longest prefix of the arguments. */
const findCommand = (commands: readonly CliCommand[], argv: readonly string[]): CliCommand | undefined =>
  [...commands].sort((a, b) => b.path.length - a.path.length).find((command) => command.path.every((word, index) => argv[index] === word));

/**
 * `npm run cli -- <command> [options]`: one entry for every operator command (the list is in commands.ts).
 * Results go to stdout; logs and progress to stderr. The database is opened only by commands that need it:
 * DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (the one `npm start` is running, else started here).
 */
const main = async (argv: string[]): Promise<number> => {
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0])) {
    process.stdout.write(`${help(CLI_COMMANDS)}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const command = findCommand(CLI_COMMANDS, argv);
  if (!command) {
    process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${help(CLI_COMMANDS)}\n`);
    return 2;
  }
  const config = loadAppConfig({ LOG_LEVEL: 'warn', ...process.env });
  const logger = createLogger(config.LOG_LEVEL, 2);
  let opened: Promise<Database> | undefined;
  const context: CliContext = {
    config,
    logger,
    database: () => (opened ??= openDatabase(config, logger, { attachToRunning: true })),
    print: (line) => void process.stdout.write(`${line}\n`),
  };
  try {
    return (await command.run(argv.slice(command.path.length), context)) ?? 0;
  } finally {
    if (opened) await (await opened).close();
    logger.flush();
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // A socket error (EPIPE, ECONNRESET) says little on its own: name what happened.
    const lost = databaseFailureOf(error) === 'unavailable' ? `the database connection was lost or refused (${message}); run the command again once the database answers` : message;
    process.stderr.write(`error: ${lost}\n`);
    process.exitCode = error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number' ? error.exitCode : 1;
  },
);
