import { Command } from '@nestjs/cqrs';
import type { MergeClaimRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class MergeClaimCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly body: MergeClaimRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
