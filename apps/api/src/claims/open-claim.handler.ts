import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { OpenClaimCommand } from './open-claim.command';

@CommandHandler(OpenClaimCommand)
export class OpenClaimHandler implements ICommandHandler<OpenClaimCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, reportId, body, context }: OpenClaimCommand) {
    return this.claims.write(claimId, context, async ({ sources }) => ({
      type: 'OpenClaim',
      data: {
        ...body,
        claimId,
        report: { ...body.report, reportId },
        sources: await sources([body.report.sourceId, body.report.relaysSourceId]),
      },
      metadata: domainMetadataOf(context),
    }));
  }
}
