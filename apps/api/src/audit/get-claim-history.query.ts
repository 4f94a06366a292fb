import { Query } from '@nestjs/cqrs';
import type { ClaimHistoryStep, HistoryCut } from '@claims/projections';

/** A claim's history replayed from the log, up to an optional cut; empty when the claim does not exist (at the cut). */
export class GetClaimHistoryQuery extends Query<ClaimHistoryStep[]> {
  constructor(
    readonly claimId: string,
    readonly cut: HistoryCut = {},
  ) {
    super();
  }
}
