export * from './events';
export * from './http/problem-details.schema';
