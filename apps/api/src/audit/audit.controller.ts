import { once } from 'node:events';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  AuditExportQuery,
  AuditVerifyQuery,
  AuditVerifyResponse,
  CheckpointRefParams,
  CheckpointVerifyResponse,
  CreateCheckpointRequest,
  ClaimHistoryResponse,
  ClaimIdParams,
  LogCheckpointListResponse,
  LogCheckpointSchema,
  type LogCheckpointResponse,
} from '@claims/contracts';
import { ClaimNotFound, CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { formatLogPosition } from '@claims/event-store';
import { headlineOf, type ClaimHeadline, type ClaimHistoryStep } from '@claims/projections';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { AuditService, toCheckpointResponse, toVerifyResponse } from './audit.service';
import { GetClaimHistoryQuery } from './get-claim-history.query';

const tags = ['audit'];

const headline = (value: ClaimHeadline) => ({
  status: value.publishedStatus,
  computedStatus: value.computedStatus,
  confidence: value.confidence,
  band: value.band,
  credibilityRating: value.credibilityRating,
  modelVersion: value.modelVersion,
});

const optionalString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export const toHistoryEntry = (step: ClaimHistoryStep) => {
  const actor = step.metadata.actor;
  return {
    kind: step.kind,
    position: formatLogPosition(step.position),
    streamId: step.streamId,
    streamVersion: step.streamVersion,
    claimVersion: step.view.version,
    eventId: step.eventId,
    eventType: step.type,
    recordedAt: step.recordedAt.toISOString(),
    actor: actor && typeof actor.id === 'string' ? { ...actor } : null,
    correlationId: optionalString(step.metadata.correlationId),
    causationId: optionalString(step.metadata.causationId),
    requestId: optionalString(step.metadata.requestId),
    hash: step.hash,
    data: step.data,
    assessment: headline(headlineOf(step.view)),
    previous: step.previous ? headline(step.previous) : null,
    changed: step.changed,
    explanation: step.view.assessment.explanation,
  };
};

/** For auditors: a claim's replayed history, log verification and checkpoints, and NDJSON exports. */
@Controller()
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    private readonly audit: AuditService,
  ) {}

  @Get('claims/:claimId/history')
  @ApiOperation({
    summary: "A claim's history: every event of the claim and every source change that re-assessed it, with the assessment after each",
    description:
      'In log order. Each entry names who (actor), when (recordedAt), the correlation and causation ids, the hash-chain link, and the assessment ' +
      'after the step (status, confidence, band, rating), what moved (`changed`) and why (`explanation`), recomputed by replaying the log with the pure assessment code.',
    tags,
    params: ClaimIdParams,
    responses: { 200: ClaimHistoryResponse },
    problems: [404],
  })
  @RequirePermission('history:read')
  async history(@Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams): Promise<ClaimHistoryResponse> {
    const steps = await this.queries.execute(new GetClaimHistoryQuery(claimId));
    if (steps.length === 0) throw new ClaimNotFound(claimId);
    return { claimId, modelVersion: CURRENT_ASSESSMENT_MODEL.modelVersion, entries: steps.map(toHistoryEntry) };
  }

  @Get('audit/verify')
  @ApiOperation({
    summary: "Verify the log's hash chains: intact up to a position, or the first broken link",
    description: 'The whole log, or one stream with `stream`. A broken link names the stream, the version, the expected and the found hash.',
    tags,
    query: AuditVerifyQuery,
    responses: { 200: AuditVerifyResponse },
  })
  @RequirePermission('audit:verify')
  async verify(@Query(new ZodValidationPipe(AuditVerifyQuery)) query: AuditVerifyQuery): Promise<AuditVerifyResponse> {
    return toVerifyResponse(await this.audit.verify(query.stream));
  }

  @Get('audit/checkpoints')
  @ApiOperation({ summary: 'Log checkpoints, newest first', tags, responses: { 200: LogCheckpointListResponse } })
  @RequirePermission('audit:verify')
  async checkpoints(): Promise<{ items: LogCheckpointResponse[] }> {
    return { items: (await this.audit.checkpoints()).map(toCheckpointResponse) };
  }

  @Post('audit/checkpoints')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a checkpoint of the log now: a Merkle root over every stream head, to keep outside the system',
    tags,
    body: CreateCheckpointRequest,
    responses: { 201: LogCheckpointSchema },
  })
  @RequirePermission('audit:verify')
  async createCheckpoint(@Body(new ZodValidationPipe(CreateCheckpointRequest)) _body: CreateCheckpointRequest): Promise<LogCheckpointResponse> {
    return toCheckpointResponse((await this.audit.createCheckpoint()).checkpoint);
  }

  @Get('audit/checkpoints/:checkpoint/verify')
  @ApiOperation({
    summary: 'Prove the log still matches a checkpoint (by id, Merkle root or checkpoint hash)',
    tags,
    params: CheckpointRefParams,
    responses: { 200: CheckpointVerifyResponse },
    problems: [404],
  })
  @RequirePermission('audit:verify')
  async verifyCheckpoint(@Param(new ZodValidationPipe(CheckpointRefParams)) { checkpoint }: CheckpointRefParams) {
    return this.audit.verifyCheckpoint(checkpoint);
  }

  @Get('audit/export')
  @ApiOperation({
    summary: 'Export the log (or one claim with its sources) as NDJSON: events with metadata and hashes',
    description: '`application/x-ndjson`: a header line, one line per event in log order, an end line. Import it with `npm run cli -- import`.',
    tags,
    query: AuditExportQuery,
    responses: { 200: null },
    problems: [404],
  })
  @RequirePermission('audit:export')
  async export(@Query(new ZodValidationPipe(AuditExportQuery)) query: AuditExportQuery, @Res() response: Response): Promise<void> {
    const streams = query.claim ? await this.audit.claimExportStreams(query.claim) : undefined;
    response.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${query.claim ? `claim-${query.claim}` : 'log'}.ndjson"`);
    for await (const line of this.audit.exportLines(streams)) {
      if (!response.write(`${line}\n`)) await once(response, 'drain');
    }
    response.end();
  }
}
