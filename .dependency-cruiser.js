/**
 * Layer rules, checked in CI (`npm run lint`). The domain stays pure: no framework, no I/O, so live
 * projections, rebuilds, time travel and tests all run the same code.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain must not import NestJS, database or broker clients, nor node I/O modules',
      severity: 'error',
      from: { path: '^libs/domain' },
      to: { path: ['node_modules/@nestjs', 'node_modules/pg', 'node_modules/kafkajs', 'node_modules/pino', '^libs/event-store', '^libs/platform', '^apps'] },
    },
    {
      name: 'domain-no-node-io',
      severity: 'error',
      from: { path: '^libs/domain' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|crypto|child_process|node:.*)$' },
    },
    {
      name: 'contracts-only-zod',
      comment: 'libs/contracts is the schema layer: zod and nothing with I/O',
      severity: 'error',
      from: { path: '^libs/contracts' },
      to: { path: ['node_modules/@nestjs', 'node_modules/pg', 'node_modules/kafkajs', '^libs/(event-store|platform|domain)', '^apps'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs' },
      to: { path: '^apps' },
    },
    {
      name: 'event-store-is-generic',
      comment: 'the event store knows nothing of claims',
      severity: 'error',
      from: { path: '^libs/event-store' },
      to: { path: ['^libs/(domain|contracts)', 'node_modules/@nestjs'] },
    },
    {
      name: 'log-verifier-stands-alone',
      comment: 'the offline verifier is copied out of the repository and run by auditors: Node built-ins and its own files only',
      severity: 'error',
      from: { path: '^libs/log-verifier/src' },
      to: { dependencyTypesNot: ['core'], pathNot: '^libs/log-verifier/src' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.spec\\.ts$' },
  },
};
