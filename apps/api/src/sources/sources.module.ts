import { Module } from '@nestjs/common';
import { GetSourceHandler } from './get-source.handler';
import { RegisterSourceHandler } from './register-source.handler';
import { RegradeSourceHandler } from './regrade-source.handler';
import { SourceWriter } from './source-writer.service';
import { SourcesController } from './sources.controller';
import { UpdateSourceHandler } from './update-source.handler';

/** Source commands and queries over HTTP; a source change re-assesses its claims in the same transaction. */
@Module({
  controllers: [SourcesController],
  providers: [SourceWriter, RegisterSourceHandler, UpdateSourceHandler, RegradeSourceHandler, GetSourceHandler],
})
export class SourcesModule {}
