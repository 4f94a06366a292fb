import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PgEventStore } from '@claims/event-store';
import { loadClaimTimeline, replayClaimHistory } from '@claims/projections';
import { RecomputeClaimQuery } from './recompute-claim.query';

/** Replays the claim's stream and its sources' streams with the requested model, through the live projection's pure code. */
@QueryHandler(RecomputeClaimQuery)
export class RecomputeClaimHandler implements IQueryHandler<RecomputeClaimQuery> {
  constructor(private readonly store: PgEventStore) {}

  async execute({ claimId, cut, params, order }: RecomputeClaimQuery) {
    const { claimEvents, sourceEvents } = await loadClaimTimeline(this.store, claimId);
    return replayClaimHistory(claimEvents, sourceEvents, cut, params, order);
  }
}
