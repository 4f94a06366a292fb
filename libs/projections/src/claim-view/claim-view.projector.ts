import { trace } from '@opentelemetry/api';
import { readClaimEvent } from '@claims/contracts';
import { claimDecider, foldEvents, type ClaimState, type OnRecordClaim } from '@claims/domain';
import type { PgEventStore, Queryable } from '@claims/event-store';
import type { ClaimWriteStart } from '../claim-write-start';
import type { ProjectionPoint } from '../projection-point';
import { claimStreamId } from '../streams';
import { claimViewChangeFrom, claimViewOf, sourceIdsOf, type ClaimViewChange } from './claim-view.projection';
import { replaceClaimView } from './claim-view.repository';

const tracer = trace.getTracer('claim-ledger');

/**
 * Brings one claim's row up to date: assesses the folded claim against the current source catalogue and
 * upserts it. Run it in the transaction that appended the claim's events, holding the claim's lock. It
 * reads the claim's sources from `sources`, the transaction's locked source rows, which locks (shared) and
 * reads any it does not hold yet: a source writer changing one of them either committed first (its
 * snapshot is read here) or waits for this transaction (and its re-assessment then finds this row behind
 * the source's event and redoes it).
 */
export const projectClaim = (db: Queryable, claim: OnRecordClaim, at: ProjectionPoint, sources: ClaimWriteStart): Promise<ClaimViewChange> =>
  // One span per projected row when tracing is on (docs/observability.md); a no-op otherwise.
  tracer.startActiveSpan('projection.claim_view', { attributes: { 'claim_ledger.claim_id': claim.claimId } }, (span) => projectClaimRow(db, claim, at, sources).finally(() => span.end()));

const projectClaimRow = async (db: Queryable, claim: OnRecordClaim, at: ProjectionPoint, sources: ClaimWriteStart): Promise<ClaimViewChange> => {
  const catalogue = await sources.catalogue(sourceIdsOf(claim));
  const view = claimViewOf(claim, catalogue, at);
  // Reads the row it replaces in the same statement (one round trip, not three).
  const previous = await replaceClaimView(db, view);
  return claimViewChangeFrom(previous ?? null, view);
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
