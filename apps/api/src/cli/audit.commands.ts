import { writeFile } from 'node:fs/promises';
import {
  consistencyProof,
  createCheckpoint,
  describeTreeVerification,
  describeVerification,
  extendTree,
  findCheckpoint,
  generateNoteKey,
  inclusionProof,
  leafOfEvent,
  TreeProofRefused,
  treeHead,
  verifyTree,
  formatLogPosition,
  listCheckpoints,
  parseLogPosition,
  verifyCheckpoint,
  verifyLog,
  type LogCheckpoint,
} from '@claims/event-store';
import { createProgress } from '@claims/platform';
import { loadAuditSigning } from '../audit/audit-signing.config';
import { toCheckpointResponse, toVerifyResponse } from '../audit/audit.service';
import type { CliCommand } from './cli-command';
import { CliUsageError, parseCliArgs } from './cli-options';

const VERIFY_USAGE = 'npm run cli -- audit verify [--stream <streamId>] [--checkpoint <id|merkle root|checkpoint hash> [--position <tx-gp>]] [--json]';
const CHECKPOINT_USAGE = 'npm run cli -- audit checkpoint [--if-grown]';
const KEYGEN_USAGE = 'npm run cli -- audit keygen [--name <key name, default AUDIT_LOG_ORIGIN>] [--output <file>]';
const INCLUSION_USAGE = 'npm run cli -- audit proof inclusion --event <eventId> --tree-size <n>';
const CONSISTENCY_USAGE = 'npm run cli -- audit proof consistency --from <m> --to <n>';

const treeSizeOption = (value: string | undefined, name: string, usage: string): number => {
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw new CliUsageError(`--${name} must be a tree size (a whole number)\nusage: ${usage}`);
  return Number(value);
};

const base64 = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('base64'));

/** A refusal of the tree, as the CLI reports it: the message, exit code 1. */
const refusedByTree = (error: unknown): never => {
  if (error instanceof TreeProofRefused) throw new CliUsageError(error.message, 1);
  throw error;
};

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
    // The whole log: the transparency tree is rebuilt from it and compared too; a mismatch fails like a broken link.
    const tree = values.stream ? undefined : await verifyTree(pool);
    context.print(values.json ? JSON.stringify(toVerifyResponse(result, tree)) : [describeVerification(result), ...(tree ? [describeTreeVerification(tree)] : [])].join('\n'));
    return result.intact && (tree?.intact ?? true) ? 0 : 1;
  },
};

export const auditCheckpointCommand: CliCommand = {
  path: ['audit', 'checkpoint'],
  summary: 'record a log checkpoint now and print it (keep it outside the system)',
  usage: CHECKPOINT_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, CHECKPOINT_USAGE, { 'if-grown': { type: 'boolean' } });
    const { pool } = await context.database();
    const signing = await loadAuditSigning(context.config);
    if (!signing.signer) process.stderr.write('no AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE: the checkpoint has no signed note\n');
    const { checkpoint, created } = await createCheckpoint(pool, { onlyIfGrown: values['if-grown'] ?? false, signing: { origin: signing.origin, ...(signing.signer ? { signer: signing.signer } : {}) } });
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

export const auditKeygenCommand: CliCommand = {
  path: ['audit', 'keygen'],
  summary: 'generate a checkpoint signing key (for AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE) and print its verifier key',
  usage: KEYGEN_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, KEYGEN_USAGE, { name: { type: 'string' }, output: { type: 'string', short: 'o' } });
    const { privateKey, verifierKey } = generateNoteKey(values.name ?? context.config.AUDIT_LOG_ORIGIN);
    if (values.output) {
      // wx: never overwrite a key that may already sign checkpoints.
      await writeFile(values.output, `${privateKey}\n`, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        throw new CliUsageError(error.code === 'EEXIST' ? `${values.output} exists: a signing key is never overwritten` : `cannot write ${values.output}: ${error.message}`, 1);
      });
      process.stderr.write(`signing key written to ${values.output} (mode 600): set AUDIT_SIGNING_KEY_FILE=${values.output}\n`);
    } else context.print(privateKey);
    context.print(JSON.stringify({ verifierKey }));
  },
};

export const auditInclusionProofCommand: CliCommand = {
  path: ['audit', 'proof', 'inclusion'],
  summary: 'print the RFC 9162 inclusion proof of an event in the tree of a size (JSON, as GET /audit/proofs/inclusion)',
  usage: INCLUSION_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, INCLUSION_USAGE, { event: { type: 'string' }, 'tree-size': { type: 'string' } });
    if (!values.event || !/^[0-9a-f-]{36}$/i.test(values.event)) throw new CliUsageError(`--event must be an event id (uuid)\nusage: ${INCLUSION_USAGE}`);
    const treeSize = treeSizeOption(values['tree-size'], 'tree-size', INCLUSION_USAGE);
    const { pool } = await context.database();
    if ((await treeHead(pool)).size < treeSize) await extendTree(pool);
    const leaf = (await leafOfEvent(pool, values.event)) ?? ((await extendTree(pool)) && (await leafOfEvent(pool, values.event)));
    if (!leaf) throw new CliUsageError(`event ${values.event} is not in the log's tree`, 1);
    if (leaf.leafIndex >= treeSize) throw new CliUsageError(`event ${values.event} is leaf ${leaf.leafIndex}: not in the tree of size ${treeSize}`, 1);
    const proof = await inclusionProof(pool, leaf.leafIndex, treeSize).catch(refusedByTree);
    context.print(JSON.stringify({ leafIndex: leaf.leafIndex, treeSize, eventHash: leaf.eventHash.toString('base64'), proof: base64(proof) }));
  },
};

export const auditConsistencyProofCommand: CliCommand = {
  path: ['audit', 'proof', 'consistency'],
  summary: 'print the RFC 9162 consistency proof between two tree sizes (JSON, as GET /audit/proofs/consistency)',
  usage: CONSISTENCY_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, CONSISTENCY_USAGE, { from: { type: 'string' }, to: { type: 'string' } });
    const from = treeSizeOption(values.from, 'from', CONSISTENCY_USAGE);
    const to = treeSizeOption(values.to, 'to', CONSISTENCY_USAGE);
    if (from > to) throw new CliUsageError(`--from (${from}) must not be larger than --to (${to})\nusage: ${CONSISTENCY_USAGE}`);
    const { pool } = await context.database();
    if ((await treeHead(pool)).size < to) await extendTree(pool);
    const proof = await consistencyProof(pool, from, to).catch(refusedByTree);
    context.print(JSON.stringify({ from, to, proof: base64(proof) }));
  },
};

export const auditCommands: CliCommand[] = [
  auditVerifyCommand,
  auditCheckpointCommand,
  auditCheckpointsCommand,
  auditKeygenCommand,
  auditInclusionProofCommand,
  auditConsistencyProofCommand,
];
