export * from './common.schema';
export * from './assessment.schema';
export * from './sources.schema';
export * from './claims.schema';
export * from './api-keys.schema';
export * from './audit.schema';
