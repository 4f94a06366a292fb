export * from './errors';
export * from './merkle';
export * from './note';
export * from './jcs';
export * from './event-chain';
export * from './export-file';
export * from './verify';
export { runVerifierCli } from './cli';
