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
    const reportSources = [body.report.sourceId, body.report.relaysSourceId];
    return this.claims.write(claimId, context, async ({ sources, sourceView }) => {
      const catalogue = await sources(reportSources);
      // A confidential source's url and quote go into the log sealed (docs/protection.md). Decided here,
      // under the source's lock `sources` took: a marking that committed meanwhile is seen.
      const report = await this.identities.sealReport({ ...body.report, reportId }, context.now, await sourceView(body.report.sourceId));
      return { type: 'OpenClaim', data: { ...body, claimId, report, sources: catalogue }, metadata: domainMetadataOf(context) };
    }, { sources: reportSources });
  }
}
