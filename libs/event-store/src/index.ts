export * from './event-store.types';
export * from './event-store.errors';
export * from './event-store.logger';
export * from './log-position';
export * from './pg-event-store';
export * from './subscription';
export * from './migrate';
export * from './handle-command';
