// Runs the TypeScript sources directly (scripts, CLI, `npm start`) with the monorepo's path aliases,
// so there is no build step between a fresh clone and a running service.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
