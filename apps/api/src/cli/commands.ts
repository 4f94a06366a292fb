import type { CliCommand } from './cli-command';
import { keysCommands } from './keys.commands';
import { migrateCommand } from './migrate.command';

/** Every CLI command. A new command group adds its list here. */
export const CLI_COMMANDS: CliCommand[] = [migrateCommand, ...keysCommands];
