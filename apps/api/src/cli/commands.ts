import type { CliCommand } from './cli-command';
import { keysCommands } from './keys.commands';
import { migrateCommand } from './migrate.command';
import { auditCommands } from './audit.commands';
import { exportCommand } from './export.command';
import { exportClaimReviewsCommand } from '../claim-review/export-claim-reviews.command';
import { importCommand } from './import.command';
import { projectionsCommands } from './projections.commands';
import { protectionCommands } from '../protection/protection.commands';

/** Every CLI command. A new command group adds its list here. */
export const CLI_COMMANDS: CliCommand[] = [migrateCommand, ...keysCommands, ...projectionsCommands, ...auditCommands, exportCommand, exportClaimReviewsCommand, importCommand, ...protectionCommands];
