import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  RegisterSourceRequest,
  RegradeSourceRequest,
  SourceIdParams,
  SourceResponse,
  UpdateSourceRequest,
} from '@claims/contracts';
import { toSourceResponse } from '@claims/projections';
import { newResourceId } from '../claims/resource-id';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ConfidentialIdentities } from '../protection/confidential-identity.service';
import { GetSourceQuery } from './get-source.query';
import { RegisterSourceCommand } from './register-source.command';
import { RegradeSourceCommand } from './regrade-source.command';
import type { SourceWriteResult } from './source-writer.service';
import { UpdateSourceCommand } from './update-source.command';

const IF_MATCH = { 'If-Match': 'The source version (ETag) the change is based on; a stale one answers 412' };
const tags = ['sources'];

@Controller('sources')
export class SourcesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly identities: ConfidentialIdentities,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a source', tags, body: RegisterSourceRequest, responses: { 201: SourceResponse }, problems: [409] })
  @RequirePermission('sources:register')
  async register(
    @Body(new ZodValidationPipe(RegisterSourceRequest)) body: RegisterSourceRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SourceResponse> {
    const sourceId = newResourceId(context, 'source');
    const result = await this.commands.execute(new RegisterSourceCommand(sourceId, body, context));
    response.setHeader('Location', `/sources/${sourceId}`);
    return this.answer(response, result, context, 'POST /sources');
  }

  @Get(':sourceId')
  @ApiOperation({
    summary: 'A source with its grade history and the claims it reported on',
    tags,
    params: SourceIdParams,
    responses: { 200: SourceResponse },
    problems: [404],
  })
  @RequirePermission('sources:read')
  async get(
    @Param(new ZodValidationPipe(SourceIdParams)) { sourceId }: SourceIdParams,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SourceResponse> {
    const { source, claims } = await this.queries.execute(new GetSourceQuery(sourceId));
    response.setHeader('ETag', `"${source.version}"`);
    // A confidential source's identity is opened here, for permitted keys only, and the read is logged.
    return toSourceResponse(source, claims, await this.identities.reveal(source, context, 'GET /sources/:sourceId'));
  }

  @Patch(':sourceId')
  @ApiOperation({
    summary: "Update a source's details; a changed affiliation or origin group re-assesses its claims",
    tags,
    params: SourceIdParams,
    body: UpdateSourceRequest,
    headers: IF_MATCH,
    responses: { 200: SourceResponse },
    problems: [404, 412],
  })
  @RequirePermission('sources:update')
  async update(
    @Param(new ZodValidationPipe(SourceIdParams)) { sourceId }: SourceIdParams,
    @Body(new ZodValidationPipe(UpdateSourceRequest)) body: UpdateSourceRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SourceResponse> {
    return this.answer(response, await this.commands.execute(new UpdateSourceCommand(sourceId, body, context)), context, 'PATCH /sources/:sourceId');
  }

  @Put(':sourceId/reliability')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-grade a source; every claim it reported on is re-assessed (in batches of their own transactions) before the answer',
    tags,
    params: SourceIdParams,
    body: RegradeSourceRequest,
    headers: IF_MATCH,
    responses: { 200: SourceResponse },
    problems: [404, 412],
  })
  @RequirePermission('sources:regrade')
  async regrade(
    @Param(new ZodValidationPipe(SourceIdParams)) { sourceId }: SourceIdParams,
    @Body(new ZodValidationPipe(RegradeSourceRequest)) body: RegradeSourceRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SourceResponse> {
    return this.answer(response, await this.commands.execute(new RegradeSourceCommand(sourceId, body, context)), context, 'PUT /sources/:sourceId/reliability');
  }

  /** Answers with the source as the command left it, read in a fresh query for its claims. */
  private async answer(response: Response, { view }: SourceWriteResult, context: RequestContextValue, route: string): Promise<SourceResponse> {
    const { claims } = await this.queries.execute(new GetSourceQuery(view.sourceId));
    response.setHeader('ETag', `"${view.version}"`);
    const reveal = await this.identities.reveal(view, context, route);
    // A replay (Idempotency-Key) answers with the pseudonym: the stored answer must not hold the identity.
    if (typeof reveal === 'object') response.locals.idempotentReplayBody = toSourceResponse(view, claims, 'withheld');
    return toSourceResponse(view, claims, reveal);
  }
}
