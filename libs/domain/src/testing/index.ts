// Test fixtures of the domain, for other packages' tests: import them as `@claims/domain/testing`.
export * from './decider-specification';
export * from './sahel.fixtures';
