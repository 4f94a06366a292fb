import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import {
  ambientClient,
  consistencyProof,
  createCheckpoint,
  describeTreeVerification,
  describeVerification,
  exportLog,
  extendTree,
  findCheckpoint,
  formatLogPosition,
  inclusionProof,
  latestCheckpoint,
  leafOfEvent,
  listCheckpoints,
  NoteRefused,
  parseNote,
  PgEventStore,
  treeHead,
  TreeProofRefused,
  verifyCheckpoint,
  verifyCosignatureLine,
  verifyLog,
  verifyTree,
  withInclusionProofs,
  type ExportOptions,
  type LogCheckpoint,
  type TreeVerification,
  type VerifiedCosignature,
  type VerifyLogResult,
} from '@claims/event-store';
import { claimStreamId, sourceIdsOfClaimEvents, sourceStreamId, workStreamId } from '@claims/projections';
import type { AuditVerifyResponse, LogCheckpointResponse } from '@claims/contracts';
import { ClaimNotFound } from '@claims/domain';
import { ApiKeyRegistry } from '../auth/api-key.registry';
import { HttpProblem } from '../http/problem';
import { AUDIT_OPTIONS, type AuditOptions } from './checkpoint-scheduler';

/**
 * The verification's answer. With `tree` (the whole log), the transparency tree rebuilt from the log must
 * match the stored one too: a mismatch makes the log not intact, like a broken link.
 */
export const toVerifyResponse = (result: VerifyLogResult, tree?: TreeVerification): AuditVerifyResponse => {
  const link = (broken: NonNullable<VerifyLogResult['firstBroken']>) => ({ ...broken, position: formatLogPosition(broken.position) });
  const mismatch = ({ position, ...value }: NonNullable<TreeVerification['firstMismatch']>) => ({ ...value, ...(position ? { position: formatLogPosition(position) } : {}) });
  return {
    intact: result.intact && (tree?.intact ?? true),
    ...(result.streamId ? { streamId: result.streamId } : {}),
    checkedUpTo: formatLogPosition(result.checkedUpTo),
    intactUpTo: result.intactUpTo ? formatLogPosition(result.intactUpTo) : null,
    events: result.events,
    streams: result.streams,
    ...(result.firstBroken ? { firstBroken: link(result.firstBroken) } : {}),
    brokenStreams: result.brokenStreams,
    broken: result.broken.map(link),
    ...(tree
      ? { tree: { intact: tree.intact, treeSize: tree.treeSize, checkpoints: tree.checkpoints, mismatches: tree.mismatches, ...(tree.firstMismatch ? { firstMismatch: mismatch(tree.firstMismatch) } : {}) } }
      : {}),
    summary: tree ? `${describeVerification(result)}; ${describeTreeVerification(tree)}` : describeVerification(result),
  };
};

/**
 * The log as it may leave the system: every stream asked for but the API key streams whose `ApiKeyIssued`
 * still carries the secret's hash (keys issued before the hash moved to `api_key_secrets`). Those are left
 * out whole, so everything exported still verifies and imports; the header names them. Used by
 * `GET /audit/export` and `npm run cli -- export`.
 */
export async function* exportableLog(pool: Pool, keys: ApiKeyRegistry, options: ExportOptions = {}, proofs?: ExportProofPlan): AsyncGenerator<string> {
  const lines = exportLog(pool, { ...options, ...(proofs ? { upTo: proofs.upTo } : {}), excludeStreamIds: await keys.streamsHoldingSecretHashes() });
  yield* proofs ? withInclusionProofs(pool, lines, proofs) : lines;
}

/** An export with proofs: up to the checkpoint's position, proved against its tree (and from an earlier one's). */
export interface ExportProofPlan {
  upTo: LogCheckpoint['position'];
  checkpoint: { id: number; origin: string; treeSize: number; rootHash: string; note: string | null };
  sinceTreeSize?: number;
}

/**
 * Looks up the checkpoints of an export with proofs (`checkpoint`, optional earlier `since`): both must exist
 * and carry a tree, `since` no larger than `checkpoint`. `refuse` turns a refusal into the caller's error.
 */
export const exportProofPlan = async (
  pool: Pool,
  checkpointRef: string,
  sinceRef: string | undefined,
  fallbackOrigin: string,
  refuse: (kind: 'not_found' | 'invalid', detail: { field: string; message: string }) => Error,
): Promise<ExportProofPlan> => {
  const checkpoint = await findCheckpoint(pool, checkpointRef);
  if (!checkpoint) throw refuse('not_found', { field: 'query.checkpoint', message: `No checkpoint ${checkpointRef}` });
  if (checkpoint.treeSize === null || checkpoint.rootHash === null) {
    throw refuse('invalid', { field: 'query.checkpoint', message: `Checkpoint ${checkpoint.id} predates the transparency tree: take a new one` });
  }
  // The origin is the one the note was signed with (its first line), so the header always matches the note.
  const origin = checkpoint.note ? checkpoint.note.slice(0, checkpoint.note.indexOf('\n')) : fallbackOrigin;
  const plan: ExportProofPlan = {
    upTo: checkpoint.position,
    checkpoint: { id: checkpoint.id, origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, note: checkpoint.note },
  };
  if (sinceRef === undefined) return plan;
  const since = await findCheckpoint(pool, sinceRef);
  if (!since) throw refuse('not_found', { field: 'query.since', message: `No checkpoint ${sinceRef}` });
  if (since.treeSize === null) throw refuse('invalid', { field: 'query.since', message: `Checkpoint ${since.id} predates the transparency tree` });
  if (since.treeSize > checkpoint.treeSize) {
    throw refuse('invalid', { field: 'query.since', message: `Checkpoint ${since.id} (tree size ${since.treeSize}) is later than checkpoint ${checkpoint.id} (tree size ${checkpoint.treeSize})` });
  }
  return { ...plan, sinceTreeSize: since.treeSize };
};

/** A witness's cosignature as the API lists it. */
export type CosignatureEntry = Omit<VerifiedCosignature, 'timestamp'> & { timestamp: number };

export const toCheckpointResponse = (checkpoint: LogCheckpoint, cosignatures: CosignatureEntry[] = []): LogCheckpointResponse => ({
  ...checkpoint,
  position: formatLogPosition(checkpoint.position),
  cosignatures,
});

/** A refusal of the tree (event not in it, size beyond it) as a problem naming the parameter. */
export const treeProblem = (error: unknown): unknown =>
  error instanceof TreeProofRefused
    ? new HttpProblem(error.kind === 'not_found' ? 404 : 422, error.kind === 'not_found' ? 'NOT_IN_TREE' : 'TREE_SIZE_OUT_OF_RANGE', error.kind === 'not_found' ? 'Not in the tree' : 'Out of range', error.message, {
        field: `query.${error.field}`,
      })
    : error;

const base64 = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('base64'));

/** Verification, checkpoints and exports of the log, for auditors. */
@Injectable()
export class AuditService {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    private readonly keys: ApiKeyRegistry,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  /** The hash chains (of one stream, or all), and for the whole log the transparency tree rebuilt and compared. */
  async verify(streamId?: string): Promise<AuditVerifyResponse> {
    const log = await verifyLog(this.pool, { ...(streamId ? { streamId } : {}) });
    return toVerifyResponse(log, streamId ? undefined : await verifyTree(this.pool));
  }

  async checkpoints(): Promise<LogCheckpointResponse[]> {
    const checkpoints = await listCheckpoints(this.pool);
    const cosignatures = await this.cosignaturesOf(checkpoints.map((checkpoint) => checkpoint.id));
    return checkpoints.map((checkpoint) => toCheckpointResponse(checkpoint, cosignatures.get(checkpoint.id)));
  }

  async latestCheckpoint(): Promise<LogCheckpointResponse> {
    const checkpoint = await latestCheckpoint(this.pool);
    if (!checkpoint) throw new HttpProblem(404, 'CHECKPOINT_NOT_FOUND', 'Not found', 'No checkpoint has been recorded yet');
    return toCheckpointResponse(checkpoint, (await this.cosignaturesOf([checkpoint.id])).get(checkpoint.id));
  }

  async createCheckpoint(): Promise<{ checkpoint: LogCheckpoint; created: boolean }> {
    // Inside a keyed request's unit of work, on its connection: the checkpoint and the stored answer commit together.
    const client = ambientClient(this.pool);
    return createCheckpoint(this.pool, { ...(client ? { client } : {}), ...(this.options.signing ? { signing: this.options.signing } : {}) });
  }

  /** The log's origin and C2SP verifier key; 404 when no signing key is configured. */
  publicKey(): { origin: string; verifierKey: string } {
    const signing = this.options.signing;
    if (!signing?.signer) {
      throw new HttpProblem(404, 'SIGNING_KEY_NOT_CONFIGURED', 'Not found', 'This log has no signing key: set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE (docs/transparency-log.md)');
    }
    return { origin: signing.origin, verifierKey: signing.signer.verifierKey };
  }

  /** Catches the tree up when a size beyond it is asked for: the proof answers for the log as it is now. */
  private async treeReaching(size: number): Promise<void> {
    if ((await treeHead(this.pool)).size < size) await extendTree(this.pool);
  }

  async inclusionProof(eventId: string, treeSize: number) {
    await this.treeReaching(treeSize);
    let leaf = await leafOfEvent(this.pool, eventId);
    if (!leaf) {
      // Appended since the tree last grew: catch up once.
      await extendTree(this.pool);
      leaf = await leafOfEvent(this.pool, eventId);
    }
    if (!leaf) throw new HttpProblem(404, 'NOT_IN_TREE', 'Not in the tree', `Event ${eventId} is not in the log's tree`, { field: 'query.eventId' });
    if (leaf.leafIndex >= treeSize) {
      throw new HttpProblem(404, 'NOT_IN_TREE', 'Not in the tree', `Event ${eventId} is leaf ${leaf.leafIndex}: not in the tree of size ${treeSize}`, { field: 'query.treeSize' });
    }
    const proof = await inclusionProof(this.pool, leaf.leafIndex, treeSize).catch((error: unknown) => Promise.reject(treeProblem(error)));
    return { leafIndex: leaf.leafIndex, treeSize, eventHash: leaf.eventHash.toString('base64'), proof: base64(proof) };
  }

  async consistencyProof(from: number, to: number) {
    await this.treeReaching(to);
    const proof = await consistencyProof(this.pool, from, to).catch((error: unknown) => Promise.reject(treeProblem(error)));
    return { from, to, proof: base64(proof) };
  }

  /**
   * Stores a witness's cosignature(s) of a checkpoint: signature lines, or the whole cosigned note (whose
   * text must be the checkpoint's). Each line must be a tlog-cosignature/v1 from a configured witness key
   * over this checkpoint's text; the log's own signature line is skipped. Nothing is stored unless all verify.
   */
  async addCosignatures(reference: string, submitted: string): Promise<LogCheckpointResponse> {
    if (!/^\d{1,15}$/.test(reference)) throw new HttpProblem(404, 'CHECKPOINT_NOT_FOUND', 'Not found', `No checkpoint ${reference}`, { field: 'path.checkpoint' });
    const checkpoint = await this.findOrNotFound(reference);
    if (!checkpoint.note) throw new HttpProblem(409, 'CHECKPOINT_NOT_SIGNED', 'Not signed', `Checkpoint ${checkpoint.id} has no signed note to cosign`, { field: 'path.checkpoint' });
    const refused = (reason: string) => new HttpProblem(422, 'COSIGNATURE_REFUSED', 'Cosignature refused', reason, { field: 'body.cosignature' });
    const body = parseNote(checkpoint.note).body;
    let lines: string[];
    try {
      if (submitted.includes('\n\n')) {
        const note = parseNote(submitted.endsWith('\n') ? submitted : `${submitted}\n`);
        if (note.body !== body) throw new NoteRefused(`the note's text is not checkpoint ${checkpoint.id}'s`);
        lines = note.signatures.map((signature) => signature.line);
      } else lines = submitted.split('\n').map((line) => line.trimEnd()).filter((line) => line.length > 0);
      const own = parseNote(checkpoint.note).signatures[0];
      lines = lines.filter((line) => line !== own.line);
      if (lines.length === 0) throw new NoteRefused('no witness cosignature in the submission');
      const verified = lines.map((line) => verifyCosignatureLine(line, body, this.options.witnessKeys ?? []));
      const db = ambientClient(this.pool) ?? this.pool;
      await db.query(
        `INSERT INTO log_checkpoint_cosignatures (checkpoint_id, key_name, key_id, signed_at, line)
         SELECT $1, n, decode(k, 'hex'), t, l FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS x(n, k, t, l)
         ON CONFLICT (checkpoint_id, line) DO NOTHING`,
        [checkpoint.id, verified.map((c) => c.keyName), verified.map((c) => c.keyId), verified.map((c) => c.timestamp), verified.map((c) => c.line)],
      );
    } catch (error) {
      if (error instanceof NoteRefused) throw refused(error.reason);
      throw error;
    }
    return toCheckpointResponse(checkpoint, (await this.cosignaturesOf([checkpoint.id])).get(checkpoint.id));
  }

  private async cosignaturesOf(ids: number[]): Promise<Map<number, CosignatureEntry[]>> {
    const byCheckpoint = new Map<number, CosignatureEntry[]>();
    if (ids.length === 0) return byCheckpoint;
    const db = ambientClient(this.pool) ?? this.pool;
    const { rows } = await db.query<{ checkpoint_id: string; key_name: string; key_id: Buffer; signed_at: string; line: string }>(
      'SELECT checkpoint_id, key_name, key_id, signed_at, line FROM log_checkpoint_cosignatures WHERE checkpoint_id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    for (const row of rows) {
      const list = byCheckpoint.get(Number(row.checkpoint_id)) ?? [];
      list.push({ keyName: row.key_name, keyId: row.key_id.toString('hex'), timestamp: Number(row.signed_at), line: row.line });
      byCheckpoint.set(Number(row.checkpoint_id), list);
    }
    return byCheckpoint;
  }

  private async findOrNotFound(reference: string): Promise<LogCheckpoint> {
    // On a keyed request's connection when there is one: it may hold the pool's only connection.
    const checkpoint = await findCheckpoint(ambientClient(this.pool) ?? this.pool, reference);
    if (!checkpoint) throw new HttpProblem(404, 'CHECKPOINT_NOT_FOUND', 'Not found', `No checkpoint ${reference}`, { field: 'path.checkpoint' });
    return checkpoint;
  }

  async verifyCheckpoint(reference: string) {
    const checkpoint = await this.findOrNotFound(reference);
    const result = await verifyCheckpoint(this.pool, checkpoint, checkpoint);
    return {
      matches: result.matches,
      checkpointIntact: result.checkpointIntact,
      checkpoint: toCheckpointResponse(checkpoint),
      found: { ...result.found, position: formatLogPosition(result.found.position) },
    };
  }

  /** The streams a claim's export holds: the claim's and those of every source it names. */
  async claimExportStreams(claimId: string): Promise<string[]> {
    const claimEvents = await this.store.readStream(claimStreamId(claimId));
    if (claimEvents.length === 0) throw new ClaimNotFound(claimId);
    const work = (await this.store.readStream(workStreamId(claimId), { toVersion: 1 })).length > 0 ? [workStreamId(claimId)] : []; // the desk's work on it, if any
    return [claimStreamId(claimId), ...work, ...sourceIdsOfClaimEvents(claimEvents).map(sourceStreamId)];
  }

  /**
   * Resolves an export's checkpoints before the response starts (so a bad id is a problem, not a broken
   * stream): the export then ends at the checkpoint and carries the proofs against it.
   */
  async exportProofs(checkpointRef: string, sinceRef?: string): Promise<ExportProofPlan> {
    return exportProofPlan(this.pool, checkpointRef, sinceRef, this.options.signing?.origin ?? 'claim-ledger.local/log', (field, detail) =>
      field === 'not_found' ? new HttpProblem(404, 'CHECKPOINT_NOT_FOUND', 'Not found', detail.message, { field: detail.field }) : new HttpProblem(422, 'CHECKPOINT_NOT_IN_TREE', 'Unprocessable', detail.message, { field: detail.field }),
    );
  }

  /** The export's NDJSON lines, without the key streams that still hold a secret's hash (see `exportableLog`). */
  async *exportLines(streamIds?: string[], proofs?: ExportProofPlan): AsyncGenerator<string> {
    yield* exportableLog(this.pool, this.keys, { ...(streamIds ? { streamIds } : {}) }, proofs);
  }
}
