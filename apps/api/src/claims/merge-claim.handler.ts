import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { toMergeTarget } from '@claims/domain';
import { ClaimWriter, domainMetadataOf } from './claim-writer.service';
import { MergeClaimCommand } from './merge-claim.command';

@CommandHandler(MergeClaimCommand)
export class MergeClaimHandler implements ICommandHandler<MergeClaimCommand> {
  constructor(private readonly claims: ClaimWriter) {}

  execute({ claimId, body, context }: MergeClaimCommand) {
    return this.claims.write(
      claimId,
      context,
      async ({ claimState }) => ({
        type: 'MergeClaim',
        data: { claimId, ...body, intoClaim: toMergeTarget(await claimState(body.intoClaimId)) },
        metadata: domainMetadataOf(context),
      }),
      // The target's state decides the merge: hold it still until the merge commits.
      { alsoLock: [body.intoClaimId] },
    );
  }
}
