import { Command } from '@nestjs/cqrs';
import type { OpenClaimRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class OpenClaimCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly reportId: string,
    readonly body: OpenClaimRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
