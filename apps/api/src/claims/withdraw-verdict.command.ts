import { Command } from '@nestjs/cqrs';
import type { WithdrawVerdictRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class WithdrawVerdictCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly body: WithdrawVerdictRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
