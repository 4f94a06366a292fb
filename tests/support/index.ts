export * from './test-database';
export * from './cli';
