import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { AmendStatementCommand } from './amend-statement.command';

@CommandHandler(AmendStatementCommand)
export class AmendStatementHandler implements ICommandHandler<AmendStatementCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, body, context }: AmendStatementCommand) {
    return this.claims.write(claimId, context, () => ({
      type: 'AmendStatement',
      data: { claimId, ...body },
      metadata: domainMetadataOf(context),
    }));
  }
}
