import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { SourceWriter } from './source-writer.service';
import { RegradeSourceCommand } from './regrade-source.command';

@CommandHandler(RegradeSourceCommand)
export class RegradeSourceHandler implements ICommandHandler<RegradeSourceCommand> {
  constructor(private readonly sources: SourceWriter) {}

  execute({ sourceId, body, context }: RegradeSourceCommand) {
    return this.sources.write(sourceId, context, { type: 'RegradeSourceReliability', data: { sourceId, ...body }, metadata: domainMetadataOf(context) });
  }
}
