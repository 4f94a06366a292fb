import { Query } from '@nestjs/cqrs';
import type { AssessmentParams } from '@claims/domain';
import type { ClaimHistoryStep, HistoryCut, HistoryOrder } from '@claims/projections';

/**
 * A claim recomputed from the log, up to an optional cut, with an assessment model: every step of its
 * replayed history (empty when the claim does not exist at the cut), in log or reporting order.
 * Computed, never stored.
 */
export class RecomputeClaimQuery extends Query<ClaimHistoryStep[]> {
  constructor(
    readonly claimId: string,
    readonly cut: HistoryCut,
    readonly params: AssessmentParams,
    readonly order: HistoryOrder = 'log',
  ) {
    super();
  }
}
