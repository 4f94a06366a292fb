import { Command } from '@nestjs/cqrs';
import type { WorkViewResponse } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';

export class SetTaskCommand extends Command<WorkViewResponse> {
  constructor(
    readonly claimId: string,
    readonly taskId: string,
    readonly done: boolean,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
