import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PgEventStore } from '@claims/event-store';
import { loadClaimTimeline, replayClaimHistory } from '@claims/projections';
import { GetClaimHistoryQuery } from './get-claim-history.query';

/** Replays the claim's stream and its sources' streams through the live projection's pure code. */
@QueryHandler(GetClaimHistoryQuery)
export class GetClaimHistoryHandler implements IQueryHandler<GetClaimHistoryQuery> {
  constructor(private readonly store: PgEventStore) {}

  async execute({ claimId, cut }: GetClaimHistoryQuery) {
    const { claimEvents, sourceEvents } = await loadClaimTimeline(this.store, claimId);
    return replayClaimHistory(claimEvents, sourceEvents, cut);
  }
}
