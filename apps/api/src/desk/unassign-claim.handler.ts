import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { UnassignClaimCommand } from './unassign-claim.command';
import { workViewResponse } from './work-response';
import { WorkWriter } from './work-writer.service';

@CommandHandler(UnassignClaimCommand)
export class UnassignClaimHandler implements ICommandHandler<UnassignClaimCommand> {
  constructor(
    private readonly pool: Pool,
    private readonly work: WorkWriter,
  ) {}

  async execute({ claimId, context }: UnassignClaimCommand) {
    const result = await this.work.write(claimId, context, (claim) => ({ type: 'UnassignClaim', data: { claimId, claim }, metadata: domainMetadataOf(context) }));
    return workViewResponse(this.pool, claimId, result.claim.category, result.view, context);
  }
}
