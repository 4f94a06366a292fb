import { Query } from '@nestjs/cqrs';
import type { WorkViewResponse } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';

export class GetWorkQuery extends Query<WorkViewResponse> {
  constructor(
    readonly claimId: string,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
