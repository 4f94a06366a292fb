import { Command } from '@nestjs/cqrs';
import type { WorkViewResponse } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';

export class AssignClaimCommand extends Command<WorkViewResponse> {
  constructor(
    readonly claimId: string,
    readonly assignee: string,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
