import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { RetractReportCommand } from './retract-report.command';

@CommandHandler(RetractReportCommand)
export class RetractReportHandler implements ICommandHandler<RetractReportCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, reportId, body, context }: RetractReportCommand) {
    return this.claims.write(claimId, context, () => ({
      type: 'RetractReport',
      data: { claimId, reportId, reason: body.reason },
      metadata: domainMetadataOf(context),
    }));
  }
}
