import { Query } from '@nestjs/cqrs';
import type { DeskQueueResponse } from '@claims/contracts';
import type { WorkQueueFilters } from '@claims/projections';

export class DeskQueueQuery extends Query<DeskQueueResponse> {
  constructor(readonly filters: WorkQueueFilters) {
    super();
  }
}
