export * from './field-cipher';
export * from './key-wrapping';
export * from './master-key';
