import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PgEventStore } from '@claims/event-store';
import { createProgress } from '@claims/platform';
import { claimStreamId, sourceIdsOfClaimEvents, sourceStreamId } from '@claims/projections';
import { loadAuditSigning } from '../audit/audit-signing.config';
import { exportableLog, exportProofPlan } from '../audit/audit.service';
import { ApiKeyRegistry } from '../auth/api-key.registry';
import type { CliCommand } from './cli-command';
import { CliUsageError, parseCliArgs } from './cli-options';

const USAGE =
  'npm run cli -- export [--claim <claimId>] [--stream <streamId> ...] [--checkpoint <id> [--since <earlier id>]] [--output <file>]   (default: the whole log to stdout)';

export const exportCommand: CliCommand = {
  path: ['export'],
  summary: 'export the log, a claim (with its sources) or streams as NDJSON with metadata and hashes',
  usage: USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, USAGE, {
      claim: { type: 'string' },
      stream: { type: 'string', multiple: true },
      checkpoint: { type: 'string' },
      since: { type: 'string' },
      output: { type: 'string', short: 'o' },
    });
    if (values.since && !values.checkpoint) throw new CliUsageError(`--since needs --checkpoint\nusage: ${USAGE}`);
    for (const option of ['checkpoint', 'since'] as const) {
      if (values[option] !== undefined && !/^\d{1,15}$/.test(values[option])) throw new CliUsageError(`--${option} must be a checkpoint id\nusage: ${USAGE}`);
    }
    const { pool } = await context.database();
    // With a checkpoint: the export ends there and carries its signed note and the proofs against it.
    const proofs = values.checkpoint
      ? await exportProofPlan(pool, values.checkpoint, values.since, (await loadAuditSigning(context.config)).origin, (_kind, detail) => new CliUsageError(detail.message, 1))
      : undefined;
    let streamIds: string[] | undefined = values.stream;
    const store = new PgEventStore({ pool });
    if (values.claim) {
      const claimEvents = await store.readStream(claimStreamId(values.claim));
      if (claimEvents.length === 0) throw new CliUsageError(`claim ${values.claim} does not exist`, 1);
      streamIds = [...(streamIds ?? []), claimStreamId(values.claim), ...sourceIdsOfClaimEvents(claimEvents).map(sourceStreamId)];
    }
    const output = values.output ? createWriteStream(values.output) : process.stdout;
    const progress = createProgress({ label: 'export' });
    for await (const line of exportableLog(pool, new ApiKeyRegistry(pool, store), { ...(streamIds ? { streamIds } : {}), onProgress: (n) => progress.add(n) }, proofs)) {
      if (!output.write(`${line}\n`)) await once(output, 'drain');
    }
    progress.done();
    if (values.output) {
      output.end();
      await once(output, 'finish');
    }
  },
};
