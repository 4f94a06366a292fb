import { Command } from '@nestjs/cqrs';
import type { ChangeWorkStateRequest, WorkViewResponse } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';

export class ChangeWorkStateCommand extends Command<WorkViewResponse> {
  constructor(
    readonly claimId: string,
    readonly body: ChangeWorkStateRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
