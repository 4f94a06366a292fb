import { Command } from '@nestjs/cqrs';
import type { AttachEvidenceRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { ClaimWriteResult } from './claim-writer.service';

export class AttachEvidenceCommand extends Command<ClaimWriteResult> {
  constructor(
    readonly claimId: string,
    readonly evidenceId: string,
    readonly body: AttachEvidenceRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
