import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import type { ApiKeyRole } from '@claims/contracts';
import { roleHasPermission } from '@claims/domain';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { ChangeWorkStateCommand } from './change-work-state.command';
import { workViewResponse } from './work-response';
import { WorkWriter } from './work-writer.service';

@CommandHandler(ChangeWorkStateCommand)
export class ChangeWorkStateHandler implements ICommandHandler<ChangeWorkStateCommand> {
  constructor(
    private readonly pool: Pool,
    private readonly work: WorkWriter,
  ) {}

  async execute({ claimId, body, context }: ChangeWorkStateCommand) {
    // The route needs work:progress; whether this move also needs work:review is the decider's rule.
    const mayReview = context.actor.role !== undefined && roleHasPermission(context.actor.role as ApiKeyRole, 'work:review');
    const result = await this.work.write(claimId, context, (claim) => ({
      type: 'ChangeWorkState',
      data: { claimId, claim, to: body.state, ...(body.note !== undefined ? { note: body.note } : {}), mayReview },
      metadata: domainMetadataOf(context),
    }));
    return workViewResponse(this.pool, claimId, result.claim.category, result.view, context);
  }
}
