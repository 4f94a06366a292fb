import { Query } from '@nestjs/cqrs';
import type { ClaimFilters, ClaimView } from '@claims/projections';

export class ListClaimsQuery extends Query<{ items: ClaimView[]; nextCursor: string | null }> {
  constructor(readonly filters: ClaimFilters) {
    super();
  }
}
