export * from './status-changed.schema';
export * from './domain-event-message.schema';
