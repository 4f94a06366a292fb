import { Command } from '@nestjs/cqrs';
import type { RetractReportRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class RetractReportCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly reportId: string,
    readonly body: RetractReportRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
