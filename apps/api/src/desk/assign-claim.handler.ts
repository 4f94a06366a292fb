import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { AssignClaimCommand } from './assign-claim.command';
import { assigneeStanding } from './desk-people';
import { workViewResponse } from './work-response';
import { WorkWriter } from './work-writer.service';

@CommandHandler(AssignClaimCommand)
export class AssignClaimHandler implements ICommandHandler<AssignClaimCommand> {
  constructor(
    private readonly pool: Pool,
    private readonly work: WorkWriter,
  ) {}

  async execute({ claimId, assignee, context }: AssignClaimCommand) {
    const result = await this.work.write(claimId, context, async (claim, client) => ({
      type: 'AssignClaim',
      data: { claimId, claim, assignee, assigneeStanding: await assigneeStanding(client, assignee, context.now) },
      metadata: domainMetadataOf(context),
    }));
    return workViewResponse(this.pool, claimId, result.claim.category, result.view, context);
  }
}
