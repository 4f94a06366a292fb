import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isActive } from '@claims/domain';
import { ConfidentialIdentities } from '../protection/confidential-identity.service';
import { AddReportCommand } from './add-report.command';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';

@CommandHandler(AddReportCommand)
export class AddReportHandler implements ICommandHandler<AddReportCommand> {
  constructor(
    private readonly claims: ClaimWriter,
    private readonly identities: ConfidentialIdentities,
  ) {}

  async execute({ claimId, reportId, body, context }: AddReportCommand) {
    const reportSources = [body.report.sourceId, body.report.relaysSourceId];
    const result = await this.claims.write(claimId, context, async ({ sources, sourceView }) => {
      const catalogue = await sources(reportSources);
      // A confidential source's url and quote go into the log sealed (docs/protection.md). Decided here,
      // under the source's lock `sources` took: a marking that committed meanwhile is seen.
      const report = await this.identities.sealReport({ ...body.report, reportId }, context.now, await sourceView(body.report.sourceId));
      const data = { claimId, report, sources: catalogue };
      return {
        type: 'AddReport',
        data: body.stance === 'supports' ? { ...data, stance: 'supports' } : { ...data, stance: 'disputes', reason: body.reason },
        metadata: domainMetadataOf(context),
      };
    }, { sources: reportSources });
    // A retry the decider recognised by content kept the report already on record: answer with its id.
    const recorded =
      result.state.reports.find((candidate) => candidate.reportId === reportId) ??
      result.state.reports.find((candidate) => candidate.sourceId === body.report.sourceId && isActive(candidate));
    return { ...result, reportId: recorded?.reportId ?? reportId };
  }
}
