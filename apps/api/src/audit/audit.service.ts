import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import {
  ambientClient,
  createCheckpoint,
  describeVerification,
  exportLog,
  findCheckpoint,
  formatLogPosition,
  listCheckpoints,
  PgEventStore,
  verifyCheckpoint,
  verifyLog,
  type ExportOptions,
  type LogCheckpoint,
  type VerifyLogResult,
} from '@claims/event-store';
import { claimStreamId, sourceIdsOfClaimEvents, sourceStreamId } from '@claims/projections';
import type { AuditVerifyResponse, LogCheckpointResponse } from '@claims/contracts';
import { ClaimNotFound } from '@claims/domain';
import { ApiKeyRegistry } from '../auth/api-key.registry';
import { HttpProblem } from '../http/problem';

export const toVerifyResponse = (result: VerifyLogResult): AuditVerifyResponse => {
  const link = (broken: NonNullable<VerifyLogResult['firstBroken']>) => ({ ...broken, position: formatLogPosition(broken.position) });
  return {
    intact: result.intact,
    ...(result.streamId ? { streamId: result.streamId } : {}),
    checkedUpTo: formatLogPosition(result.checkedUpTo),
    intactUpTo: result.intactUpTo ? formatLogPosition(result.intactUpTo) : null,
    events: result.events,
    streams: result.streams,
    ...(result.firstBroken ? { firstBroken: link(result.firstBroken) } : {}),
    brokenStreams: result.brokenStreams,
    broken: result.broken.map(link),
    summary: describeVerification(result),
  };
};

/**
 * The log as it may leave the system: every stream asked for but the API key streams whose `ApiKeyIssued`
 * still carries the secret's hash (keys issued before the hash moved to `api_key_secrets`). Those are left
 * out whole, so everything exported still verifies and imports; the header names them. Used by
 * `GET /audit/export` and `npm run cli -- export`.
 */
export async function* exportableLog(pool: Pool, keys: ApiKeyRegistry, options: ExportOptions = {}): AsyncGenerator<string> {
  yield* exportLog(pool, { ...options, excludeStreamIds: await keys.streamsHoldingSecretHashes() });
}

export const toCheckpointResponse = (checkpoint: LogCheckpoint): LogCheckpointResponse => ({ ...checkpoint, position: formatLogPosition(checkpoint.position) });

/** Verification, checkpoints and exports of the log, for auditors. */
@Injectable()
export class AuditService {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    private readonly keys: ApiKeyRegistry,
  ) {}

  verify(streamId?: string): Promise<VerifyLogResult> {
    return verifyLog(this.pool, { ...(streamId ? { streamId } : {}) });
  }

  async checkpoints(): Promise<LogCheckpoint[]> {
    return listCheckpoints(this.pool);
  }

  async createCheckpoint(): Promise<{ checkpoint: LogCheckpoint; created: boolean }> {
    // Inside a keyed request's unit of work, on its connection: the checkpoint and the stored answer commit together.
    const client = ambientClient(this.pool);
    return createCheckpoint(this.pool, client ? { client } : {});
  }

  async verifyCheckpoint(reference: string) {
    const checkpoint = await findCheckpoint(this.pool, reference);
    if (!checkpoint) throw new HttpProblem(404, 'CHECKPOINT_NOT_FOUND', 'Not found', `No checkpoint ${reference}`, { field: 'path.checkpoint' });
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
    return [claimStreamId(claimId), ...sourceIdsOfClaimEvents(claimEvents).map(sourceStreamId)];
  }

  /** The export's NDJSON lines, without the key streams that still hold a secret's hash (see `exportableLog`). */
  async *exportLines(streamIds?: string[]): AsyncGenerator<string> {
    yield* exportableLog(this.pool, this.keys, streamIds ? { streamIds } : {});
  }
}
