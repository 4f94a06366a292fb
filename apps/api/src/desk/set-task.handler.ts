import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { SetTaskCommand } from './set-task.command';
import { workViewResponse } from './work-response';
import { WorkWriter } from './work-writer.service';

@CommandHandler(SetTaskCommand)
export class SetTaskHandler implements ICommandHandler<SetTaskCommand> {
  constructor(
    private readonly pool: Pool,
    private readonly work: WorkWriter,
  ) {}

  async execute({ claimId, taskId, done, context }: SetTaskCommand) {
    const result = await this.work.write(claimId, context, (claim) => ({ type: 'SetTask', data: { claimId, claim, taskId, done }, metadata: domainMetadataOf(context) }));
    return workViewResponse(this.pool, claimId, result.claim.category, result.view, context);
  }
}
