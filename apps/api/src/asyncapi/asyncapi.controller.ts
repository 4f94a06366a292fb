import { Controller, Get, Inject, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { Public } from '../auth/access.decorators';
import { publicBaseUrl } from '../claim-review/public-base-url';
import { ApiOperation } from '../http/openapi';
import { feedAsyncApiDocument } from './feed-asyncapi';
import { ASYNCAPI_OPTIONS, type AsyncApiOptions } from './asyncapi.options';
import type { JsonSchema } from './json-schema';

// Documents per public address: one with PUBLIC_BASE_URL, one per Host otherwise (bounded, so Host values cannot grow it).
const MAX_CACHED = 16;

/** `GET /asyncapi.json`: the feeds' AsyncAPI 3.0 document, public like /openapi.json. */
@Controller()
@Public()
export class AsyncApiController {
  private readonly documents = new Map<string, JsonSchema>();

  constructor(@Inject(ASYNCAPI_OPTIONS) private readonly options: AsyncApiOptions) {}

  @Get('asyncapi.json')
  @ApiOperation({
    summary: 'The AsyncAPI 3.0 document of the feeds',
    description: 'Both Kafka topics (with this server\'s topic prefix, partitions and cleanup policy), their keys, CloudEvents headers and payloads, and the Server-Sent Events stream. docs/feeds.md#asyncapi.',
    tags: ['feeds'],
    responses: { 200: z.record(z.string(), z.unknown()) },
  })
  asyncApi(@Req() request: Request): JsonSchema {
    const base = publicBaseUrl(this.options.publicBaseUrl, request);
    const cached = this.documents.get(base.href);
    if (cached) return cached;
    const document = feedAsyncApiDocument({ kafka: this.options.kafka, publicBaseUrl: base });
    if (this.documents.size >= MAX_CACHED) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(base.href, document);
    return document;
  }
}
