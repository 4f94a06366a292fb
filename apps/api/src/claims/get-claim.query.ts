import { Query } from '@nestjs/cqrs';
import type { ClaimView } from '@claims/projections';

export class GetClaimQuery extends Query<ClaimView> {
  constructor(readonly claimId: string) {
    super();
  }
}
