import { Command } from '@nestjs/cqrs';
import type { AddReportRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class AddReportCommand extends Command<ClaimWriteResult & { reportId: string }> {
  constructor(
    readonly claimId: string,
    readonly reportId: string,
    readonly body: AddReportRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
