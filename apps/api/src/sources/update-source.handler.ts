import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { SourceWriter } from './source-writer.service';
import { UpdateSourceCommand } from './update-source.command';

@CommandHandler(UpdateSourceCommand)
export class UpdateSourceHandler implements ICommandHandler<UpdateSourceCommand> {
  constructor(private readonly sources: SourceWriter) {}

  execute({ sourceId, body, context }: UpdateSourceCommand) {
    return this.sources.write(sourceId, context, { type: 'UpdateSourceDetails', data: { sourceId, ...body }, metadata: domainMetadataOf(context) });
  }
}
