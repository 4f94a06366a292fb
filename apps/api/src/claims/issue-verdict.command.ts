import { Command } from '@nestjs/cqrs';
import type { IssueVerdictRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class IssueVerdictCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly body: IssueVerdictRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
