import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { WithdrawVerdictCommand } from './withdraw-verdict.command';

@CommandHandler(WithdrawVerdictCommand)
export class WithdrawVerdictHandler implements ICommandHandler<WithdrawVerdictCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, body, context }: WithdrawVerdictCommand) {
    return this.claims.write(claimId, context, () => ({
      type: 'WithdrawVerdict',
      data: { claimId, ...body },
      metadata: domainMetadataOf(context),
    }));
  }
}
