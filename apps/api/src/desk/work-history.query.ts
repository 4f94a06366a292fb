import { Query } from '@nestjs/cqrs';
import type { WorkHistoryResponse } from '@claims/contracts';

export class WorkHistoryQuery extends Query<WorkHistoryResponse> {
  constructor(readonly claimId: string) {
    super();
  }
}
