import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { AddTaskCommand } from './add-task.command';
import { workViewResponse } from './work-response';
import { WorkWriter } from './work-writer.service';

@CommandHandler(AddTaskCommand)
export class AddTaskHandler implements ICommandHandler<AddTaskCommand> {
  constructor(
    private readonly pool: Pool,
    private readonly work: WorkWriter,
  ) {}

  async execute({ claimId, name, context }: AddTaskCommand) {
    const result = await this.work.write(claimId, context, (claim) => ({ type: 'AddTask', data: { claimId, claim, name }, metadata: domainMetadataOf(context) }));
    return workViewResponse(this.pool, claimId, result.claim.category, result.view, context);
  }
}
