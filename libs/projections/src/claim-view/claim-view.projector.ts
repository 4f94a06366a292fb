import { readClaimEvent } from '@claims/contracts';
import { claimDecider, foldEvents, type ClaimState, type OnRecordClaim } from '@claims/domain';
import type { PgEventStore, Queryable } from '@claims/event-store';
import type { ProjectionPoint } from '../projection-point';
import { loadSourceCatalogue } from '../source-view/source-view.repository';
import { claimStreamId } from '../streams';
import { claimViewChangeOf, claimViewOf, sourceIdsOf, type ClaimViewChange } from './claim-view.projection';
import { claimIdsOfSource, findClaimView, saveClaimView } from './claim-view.repository';

/**
 * Brings one claim's row up to date: assesses the folded claim against the current source catalogue and
 * upserts it. Run it in the transaction that appended the claim's events, holding the claim's lock.
 */
export const projectClaim = async (db: Queryable, claim: OnRecordClaim, at: ProjectionPoint): Promise<ClaimViewChange> => {
  const catalogue = await loadSourceCatalogue(db, sourceIdsOf(claim));
  const previous = await findClaimView(db, claim.claimId);
  const view = claimViewOf(claim, catalogue, at);
  await saveClaimView(db, view);
  return claimViewChangeOf(previous, view);
};

/** Folds a claim stream, validating (and upcasting) each event. */
export const loadClaimState = async (
  store: PgEventStore,
  db: Queryable,
  claimId: string,
): Promise<{ state: ClaimState; version: number }> => {
  const events = await store.readStream(claimStreamId(claimId), {}, db);
  return { state: foldEvents(claimDecider, events.map(readClaimEvent)), version: events.at(-1)?.streamVersion ?? 0 };
};

/**
 * After a source event: re-assesses every claim the source reported on or was relayed on, from their
 * streams, against the updated catalogue. Run it after saving the source's row, holding the catalogue
 * lock exclusively (so no claim writer runs meanwhile). Returns one change per claim, in claim id order.
 */
export const reassessClaimsOfSource = async (
  store: PgEventStore,
  db: Queryable,
  sourceId: string,
  at: Omit<ProjectionPoint, 'version'>,
): Promise<ClaimViewChange[]> => {
  const changes: ClaimViewChange[] = [];
  for (const claimId of await claimIdsOfSource(db, sourceId)) {
    const { state, version } = await loadClaimState(store, db, claimId);
    if (state.status === 'none') continue;
    changes.push(await projectClaim(db, state, { ...at, version }));
  }
  return changes;
};
