export * from './vocabulary.schema';
export * from './primitives.schema';
export * from './event-envelope';
export * from './source-events.schema';
export * from './claim-events.schema';
export * from './event-versioning';
export * from './api-key-events.schema';
export * from './stored-event-check';
