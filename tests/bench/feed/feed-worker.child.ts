// The real worker (apps/worker/src/main.ts, as `npm run worker` runs it: its config from the environment,
// migrations, the relay and the webhook dispatcher), forked by feed.bench.ts. The one thing added: when the
// bench goes away (its IPC channel closes, even on SIGKILL), the worker stops through its own SIGTERM path
// instead of publishing into a dropped database forever.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the handler above, not hoisted above it like an import
require('../../../apps/worker/src/main');
