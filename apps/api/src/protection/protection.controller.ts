import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { Pool } from 'pg';
import { AccessLogQuery, AccessLogResponse, EraseSourceRequest, SourceIdParams, SourceResponse } from '@claims/contracts';
import { toSourceResponse } from '@claims/projections';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { GetSourceQuery } from '../sources/get-source.query';
import { listConfidentialAccess } from './access-log.repository';
import { EraseSourceCommand } from './erase-source.command';

const IF_MATCH = { 'If-Match': 'The source version (ETag) the erasure is based on; a stale one answers 412' };

/** Erasure of a confidential source and the review of who read confidential identities (docs/protection.md). */
@Controller()
export class ProtectionController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly pool: Pool,
  ) {}

  @Post('sources/:sourceId/erasure')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase a confidential source's identity: its data key is destroyed, the log stays byte for byte (and verifiable)",
    tags: ['protection'],
    params: SourceIdParams,
    body: EraseSourceRequest,
    headers: IF_MATCH,
    responses: { 200: SourceResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('sources:erase')
  async erase(
    @Param(new ZodValidationPipe(SourceIdParams)) { sourceId }: SourceIdParams,
    @Body(new ZodValidationPipe(EraseSourceRequest)) body: EraseSourceRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SourceResponse> {
    const { view } = await this.commands.execute(new EraseSourceCommand(sourceId, body.reason, context));
    const { claims } = await this.queries.execute(new GetSourceQuery(sourceId));
    response.setHeader('ETag', `"${view.version}"`);
    return toSourceResponse(view, claims, 'erased');
  }

  @Get('protection/access-log')
  @ApiOperation({
    summary: "Who was shown a confidential source's identity, newest first",
    tags: ['protection'],
    query: AccessLogQuery,
    responses: { 200: AccessLogResponse },
  })
  @RequirePermission('protection:access-log:read')
  accessLog(@Query(new ZodValidationPipe(AccessLogQuery)) query: AccessLogQuery): Promise<AccessLogResponse> {
    return listConfidentialAccess(this.pool, query);
  }
}
