import type { Pool } from 'pg';
import { readClaimEvent } from '@claims/contracts';
import { claimDecider, foldEvents, type OnRecordClaim } from '@claims/domain';
import { readStreamsForReplay, type Queryable } from '@claims/event-store';
import type { ProjectionPoint } from '../projection-point';
import { writeClaimRows } from '../rebuild/rebuild-tables';
import { loadSourceCatalogue } from '../source-view/source-view.repository';
import { claimStreamId } from '../streams';
import { inTransaction, lockClaims, lockSources } from '../transaction';
import { claimViewChangeOf, claimViewOf, sourceIdsOf, type ClaimViewChange } from './claim-view.projection';
import { findClaimViews, staleClaimIdsOfSource } from './claim-view.repository';

/** Claims re-assessed per transaction: each holds its claims' locks for one batch, some tens of ms. */
export const REASSESS_BATCH_SIZE = 100;

/**
 * After a source event has committed: re-assesses every claim the source reported on or was relayed on,
 * from their streams, against the updated catalogue, in batches, each in its own transaction holding only
 * that batch's claim locks. Writers of other claims never wait; a writer of one of these claims waits for
 * one batch at most, and the batch for it (the same claim lock). A claim whose row already stands at or
 * past the source's event was written after it, so with the new snapshot (see `projectClaim`): skipped.
 * What is left behind the event is exactly what remains to do, so a re-assessment cut off (a crash, a
 * lost connection) is finished by running it again. `announce` runs in each batch's transaction with its
 * changes (the outbox). Returns the changes, in claim id order.
 */
export const reassessClaimsOfSource = async (
  pool: Pool,
  sourceId: string,
  at: Omit<ProjectionPoint, 'version'>,
  options: { batchSize?: number; announce?: (db: Queryable, changes: ClaimViewChange[]) => Promise<void> } = {},
): Promise<ClaimViewChange[]> => {
  const batchSize = options.batchSize ?? REASSESS_BATCH_SIZE;
  const changes: ClaimViewChange[] = [];
  let after = '';
  for (;;) {
    const batch = await staleClaimIdsOfSource(pool, sourceId, at.position, { after, limit: batchSize });
    if (batch.length === 0) break;
    after = batch[batch.length - 1];
    changes.push(
      ...(await inTransaction(pool, async (client) => {
        const batchChanges = await reassessBatch(client, sourceId, batch, at);
        await options.announce?.(client, batchChanges);
        return batchChanges;
      })),
    );
    if (batch.length < batchSize) break;
  }
  return changes;
};

/** One batch, in the caller's transaction: a fixed handful of round trips whatever its size. */
const reassessBatch = async (client: Queryable, sourceId: string, batch: readonly string[], at: Omit<ProjectionPoint, 'version'>): Promise<ClaimViewChange[]> => {
  await lockClaims(client, batch);
  // Read again under the locks: a claim write that committed meanwhile has brought its row past the event.
  const behind = await staleClaimIdsOfSource(client, sourceId, at.position, { among: batch });
  if (behind.length === 0) return [];
  const folded: Array<{ claim: OnRecordClaim; version: number }> = [];
  const events = await readStreamsForReplay(client, behind.map(claimStreamId));
  for (let start = 0; start < events.length; ) {
    let end = start;
    while (end < events.length && events[end].streamId === events[start].streamId) end++;
    const stream = events.slice(start, end);
    const state = foldEvents(claimDecider, stream.map(readClaimEvent));
    if (state.status !== 'none') folded.push({ claim: state, version: stream[stream.length - 1].streamVersion });
    start = end;
  }
  const sourceIds = [...new Set(folded.flatMap(({ claim }) => sourceIdsOf(claim)))];
  // The same shared source locks a claim writer takes (their ids sorted, after the claim locks).
  await lockSources(client, sourceIds, 'shared');
  const catalogue = await loadSourceCatalogue(client, sourceIds);
  const previous = await findClaimViews(client, folded.map(({ claim }) => claim.claimId));
  const views = folded.map(({ claim, version }) => claimViewOf(claim, catalogue, { ...at, version }));
  // The links stay: a re-assessment adds no report, and a write that did added its links itself.
  await writeClaimRows(client, 'claim_view', views);
  return views.map((view) => claimViewChangeOf(previous.get(view.claimId), view)).sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0));
};
