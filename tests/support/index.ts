export * from './test-database';
export * from './cli';
export * from './wait-until';
