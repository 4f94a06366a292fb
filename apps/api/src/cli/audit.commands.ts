import {
  createCheckpoint,
  describeVerification,
  findCheckpoint,
  formatLogPosition,
  listCheckpoints,
  parseLogPosition,
  verifyCheckpoint,
  verifyLog,
  type LogCheckpoint,
} from '@claims/event-store';
import { createProgress } from '@claims/platform';
import { toCheckpointResponse, toVerifyResponse } from '../audit/audit.service';
import type { CliCommand } from './cli-command';
import { CliUsageError, parseCliArgs } from './cli-options';

const VERIFY_USAGE = 'npm run cli -- audit verify [--stream <streamId>] [--checkpoint <id|merkle root|checkpoint hash> [--position <tx-gp>]] [--json]';
const CHECKPOINT_USAGE = 'npm run cli -- audit checkpoint [--if-grown]';

const receipt = (checkpoint: LogCheckpoint) => JSON.stringify(toCheckpointResponse(checkpoint));

export const auditVerifyCommand: CliCommand = {
  path: ['audit', 'verify'],
  summary: 'verify the hash chains ("intact up to position P" or the first broken link), or prove a checkpoint',
  usage: VERIFY_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, VERIFY_USAGE, { stream: { type: 'string' }, checkpoint: { type: 'string' }, position: { type: 'string' }, json: { type: 'boolean' } });
    const { pool } = await context.database();
    if (values.checkpoint) {
      const stored = await findCheckpoint(pool, values.checkpoint);
      const position = values.position ? parseLogPosition(values.position) : stored?.position;
      if (values.position && !position) throw new CliUsageError(`--position must look like 812-40\nusage: ${VERIFY_USAGE}`);
      if (!position) {
        throw new CliUsageError(`no checkpoint ${values.checkpoint} in this database: give the --position it was taken at to check a root you kept\nusage: ${VERIFY_USAGE}`, 1);
      }
      // A root the auditor kept is what the log must match; an id or a checkpoint hash names the stored root.
      const reference = values.checkpoint.toLowerCase();
      const keptRoot = /^[0-9a-f]{64}$/.test(reference) && reference !== stored?.checkpointHash;
      const merkleRoot = keptRoot ? reference : (stored?.merkleRoot ?? '');
      const result = await verifyCheckpoint(pool, { position, merkleRoot, ...(stored ? { streams: stored.streams, events: stored.events } : {}) }, stored);
      if (values.json) context.print(JSON.stringify(result));
      else if (result.matches && result.checkpointIntact) {
        context.print(`log matches checkpoint${stored ? ` ${stored.id}` : ''} at position ${formatLogPosition(position)}: root ${result.found.merkleRoot} (${result.found.streams} streams, ${result.found.events} events)`);
      } else {
        context.print(
          `log does NOT match checkpoint${stored ? ` ${stored.id}` : ''} at position ${formatLogPosition(position)}: expected root ${result.expected.merkleRoot} (${result.expected.streams} streams, ${result.expected.events} events), found ${result.found.merkleRoot} (${result.found.streams} streams, ${result.found.events} events)${result.checkpointIntact ? '' : '; the checkpoint row itself was altered'}`,
        );
      }
      return result.matches && result.checkpointIntact ? 0 : 1;
    }
    const progress = createProgress({ label: 'verify' });
    const result = await verifyLog(pool, { ...(values.stream ? { streamId: values.stream } : {}), onProgress: (n) => progress.add(n) });
    progress.done();
    context.print(values.json ? JSON.stringify(toVerifyResponse(result)) : describeVerification(result));
    return result.intact ? 0 : 1;
  },
};

export const auditCheckpointCommand: CliCommand = {
  path: ['audit', 'checkpoint'],
  summary: 'record a log checkpoint now and print it (keep it outside the system)',
  usage: CHECKPOINT_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, CHECKPOINT_USAGE, { 'if-grown': { type: 'boolean' } });
    const { pool } = await context.database();
    const { checkpoint, created } = await createCheckpoint(pool, { onlyIfGrown: values['if-grown'] ?? false });
    if (!created) process.stderr.write('the log has not grown since the last checkpoint; printing that one\n');
    context.print(receipt(checkpoint));
  },
};

export const auditCheckpointsCommand: CliCommand = {
  path: ['audit', 'checkpoints'],
  summary: 'list log checkpoints, newest first (one JSON line each)',
  run: async (_args, context) => {
    const { pool } = await context.database();
    for (const checkpoint of await listCheckpoints(pool)) context.print(receipt(checkpoint));
  },
};

export const auditCommands: CliCommand[] = [auditVerifyCommand, auditCheckpointCommand, auditCheckpointsCommand];
