import type { CliCommand } from './cli-command';

export const migrateCommand: CliCommand = {
  path: ['migrate'],
  summary: "apply the event store's and the application's migrations",
  run: async (_args, context) => {
    const database = await context.database(); // opening the database migrates it
    context.print(`migrations: up to date (${database.description})`);
  },
};
