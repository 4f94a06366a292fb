import 'reflect-metadata';
import { loadAppConfig } from '../config/app-config';
import { openDatabase, type Database } from '../database/database';
import { createLogger } from '../logging/logger';
import type { CliCommand, CliContext } from './cli-command';
import { CLI_COMMANDS } from './commands';

// `npm run cli -- <command> [options]`: operations on the database the service uses
// (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR).

const usage = (commands: CliCommand[]): string =>
  ['usage: npm run cli -- <command> [options]', '', 'commands:', ...commands.map((command) => `  ${command.path.join(' ').padEnd(28)} ${command.summary}`)].join('\n');

const findCommand = (argv: string[]): { command: CliCommand; args: string[] } | undefined => {
  const matches = CLI_COMMANDS.filter((command) => command.path.every((word, index) => argv[index] === word));
  const command = matches.sort((a, b) => b.path.length - a.path.length)[0];
  return command ? { command, args: argv.slice(command.path.length) } : undefined;
};

const main = async (): Promise<number> => {
  const argv = process.argv.slice(2);
  const found = findCommand(argv);
  if (!found || argv.includes('--help') || argv.includes('-h')) {
    const helpFor = found?.command.usage ? `${found.command.usage}\n` : usage(CLI_COMMANDS);
    (found ? process.stdout : process.stderr).write(`${helpFor}\n`);
    return found ? 0 : 2;
  }
  const config = loadAppConfig();
  // Logs go to stderr at warn and above: stdout carries the command's own output (e.g. an export).
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 2);
  let database: Database | undefined;
  const context: CliContext = {
    config,
    logger,
    database: async () => (database ??= await openDatabase(config, logger)),
    print: (line) => process.stdout.write(`${line}\n`),
  };
  try {
    return (await found.command.run(found.args, context)) ?? 0;
  } finally {
    await database?.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
