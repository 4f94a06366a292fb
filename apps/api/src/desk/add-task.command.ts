import { Command } from '@nestjs/cqrs';
import type { WorkViewResponse } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';

export class AddTaskCommand extends Command<WorkViewResponse> {
  constructor(
    readonly claimId: string,
    readonly name: string,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
