export * from './embedded-postgres';
export * from './databases';
export * from './app-migrations';
export * from './progress';
export * from './app-role';
export * from './startup-problem';
export * from './database-pool';
