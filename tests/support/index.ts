export * from './test-database';
export * from './cli';
export * from './project-process';
export * from './wait-until';
