import { Command } from '@nestjs/cqrs';
import type { AmendStatementRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class AmendStatementCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly body: AmendStatementRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
