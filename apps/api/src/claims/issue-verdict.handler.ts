import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { IssueVerdictCommand } from './issue-verdict.command';

@CommandHandler(IssueVerdictCommand)
export class IssueVerdictHandler implements ICommandHandler<IssueVerdictCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, body, context }: IssueVerdictCommand) {
    return this.claims.write(claimId, context, () => ({
      type: 'IssueVerdict',
      data: { claimId, ...body },
      metadata: domainMetadataOf(context),
    }));
  }
}
