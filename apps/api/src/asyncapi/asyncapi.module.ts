import { Module } from '@nestjs/common';
import { loadAppConfig } from '../config/app-config';
import { AsyncApiController } from './asyncapi.controller';
import { ASYNCAPI_OPTIONS, asyncApiOptionsFrom } from './asyncapi.options';

/** `/asyncapi.json`. Its topics are those of this process's configuration (the same the relay reads). */
@Module({
  providers: [{ provide: ASYNCAPI_OPTIONS, useFactory: () => asyncApiOptionsFrom(loadAppConfig()) }],
  controllers: [AsyncApiController],
})
export class AsyncApiModule {}
