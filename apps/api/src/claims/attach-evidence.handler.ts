import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AttachEvidenceCommand } from './attach-evidence.command';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';

@CommandHandler(AttachEvidenceCommand)
export class AttachEvidenceHandler implements ICommandHandler<AttachEvidenceCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, evidenceId, body, context }: AttachEvidenceCommand) {
    return this.claims.write(claimId, context, () => ({
      type: 'AttachEvidence',
      data: { claimId, evidenceId, ...body },
      metadata: domainMetadataOf(context),
    }));
  }
}
