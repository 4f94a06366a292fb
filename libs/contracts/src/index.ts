export * from './events';
export * from './http/problem-details.schema';
export * from './api';
export * from './feed';
