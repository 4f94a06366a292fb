import { migrateAll } from '@claims/platform';

// `npm run migrate`: applies the event store's and the application's migrations to DATABASE_URL.
const main = async () => {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set (e.g. postgres://user@127.0.0.1:5432/claims)');
    process.exit(2);
  }
  await migrateAll(databaseUrl, (line) => console.log(line));
  console.log('migrations: up to date');
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
