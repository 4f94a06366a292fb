import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { SourceWriter } from './source-writer.service';
import { RegisterSourceCommand } from './register-source.command';

@CommandHandler(RegisterSourceCommand)
export class RegisterSourceHandler implements ICommandHandler<RegisterSourceCommand> {
  constructor(private readonly sources: SourceWriter) {}

  execute({ sourceId, body, context }: RegisterSourceCommand) {
    return this.sources.write(sourceId, context, { type: 'RegisterSource', data: { sourceId, ...body }, metadata: domainMetadataOf(context) });
  }
}
