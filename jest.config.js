// Two projects: `unit` (pure code, no I/O) and `integration` (real PostgreSQL, later Kafka).
// Integration files each get their own database, so both projects run files in parallel.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const moduleNameMapper = {
  '^@claims/event-store$': '<rootDir>/libs/event-store/src',
  '^@claims/domain$': '<rootDir>/libs/domain/src',
  '^@claims/domain/testing$': '<rootDir>/libs/domain/src/testing',
  '^@claims/contracts$': '<rootDir>/libs/contracts/src',
  '^@claims/platform$': '<rootDir>/libs/platform/src',
  '^@claims/projections$': '<rootDir>/libs/projections/src',
  '^@claims/feed$': '<rootDir>/libs/feed/src',
  '^@claims/testing$': '<rootDir>/tests/support',
};

// @nestjs/terminus 12 ships ES modules only: Node 20 requires them natively, Jest on Node 20 does not, so
// its files are compiled to CommonJS for the tests (swc rewrites its `import.meta` too).
const esmOnlyPackages = '@nestjs/terminus';
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

const base = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc, [`/node_modules/${esmOnlyPackages}/.+\\.js$`]: swcJs },
  transformIgnorePatterns: [`/node_modules/(?!${esmOnlyPackages}/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
