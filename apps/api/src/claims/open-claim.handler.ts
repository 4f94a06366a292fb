import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConfidentialIdentities } from '../protection/confidential-identity.service';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { OpenClaimCommand } from './open-claim.command';

@CommandHandler(OpenClaimCommand)
export class OpenClaimHandler implements ICommandHandler<OpenClaimCommand> {
  constructor(
    private readonly claims: ClaimWriter,
    private readonly identities: ConfidentialIdentities,
  ) {}

  async execute({ claimId, reportId, body, context }: OpenClaimCommand) {
    // A confidential source's url and quote go into the log sealed (docs/protection.md).
    const report = await this.identities.sealReport({ ...body.report, reportId }, context.now);
    return this.claims.write(claimId, context, async ({ sources }) => ({
      type: 'OpenClaim',
      data: {
        ...body,
        claimId,
        report,
        sources: await sources([body.report.sourceId, body.report.relaysSourceId]),
      },
      metadata: domainMetadataOf(context),
    }));
  }
}
