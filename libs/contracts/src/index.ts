export * from './events';
export * from './http/problem-details.schema';
export * from './api';
export * from './feed';
export * from './seed/seed-dataset.schema';
