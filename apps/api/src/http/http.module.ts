import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Clock, SystemClock } from './clock';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { OpenApiController, OpenApiDocument } from './openapi';

/** The HTTP edge shared by every feature: clock, idempotency keys, the OpenAPI document and its docs page. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [{ provide: Clock, useClass: SystemClock }, IdempotencyInterceptor, OpenApiDocument],
  controllers: [OpenApiController],
  exports: [Clock],
})
export class HttpModule {}
