import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  AddCosignatureRequest,
  AuditPublicKeyResponse,
  CheckpointIdParams,
  ConsistencyProofQuery,
  ConsistencyProofResponse,
  InclusionProofQuery,
  InclusionProofResponse,
  AuditExportQuery,
  AuditVerifyQuery,
  AuditVerifyResponse,
  CheckpointRefParams,
  CheckpointVerifyResponse,
  CreateCheckpointRequest,
  LogCheckpointListResponse,
  LogCheckpointSchema,
  type LogCheckpointResponse,
} from '@claims/contracts';
import { Public, RequirePermission } from '../auth/access.decorators';
import { drainedOrClosed } from '../http/drained-or-closed';
import { ApiOperation } from '../http/openapi';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { AuditService, toCheckpointResponse } from './audit.service';

const tags = ['audit'];

/** For auditors: log verification and checkpoints, and NDJSON exports (a claim's history: `ClaimHistoryController`). */
@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit/verify')
  @ApiOperation({
    summary: "Verify the log's hash chains: intact up to a position, or the first broken link",
    description:
      'The whole log, or one stream with `stream`. A broken link names the stream, the version, the expected and the found hash. ' +
      "For the whole log, the transparency tree is rebuilt from the events and compared with the stored one and every checkpoint's root (`tree`).",
    tags,
    query: AuditVerifyQuery,
    responses: { 200: AuditVerifyResponse },
  })
  @RequirePermission('audit:verify')
  async verify(@Query(new ZodValidationPipe(AuditVerifyQuery)) query: AuditVerifyQuery): Promise<AuditVerifyResponse> {
    return this.audit.verify(query.stream);
  }

  @Get('audit/checkpoints')
  @ApiOperation({ summary: 'Log checkpoints, newest first', tags, responses: { 200: LogCheckpointListResponse } })
  @RequirePermission('audit:verify')
  async checkpoints(): Promise<{ items: LogCheckpointResponse[] }> {
    return { items: await this.audit.checkpoints() };
  }

  @Get('audit/checkpoints/latest')
  @ApiOperation({ summary: 'The newest log checkpoint, with its signed note and cosignatures', tags, responses: { 200: LogCheckpointSchema }, problems: [404] })
  @RequirePermission('audit:verify')
  latestCheckpoint(): Promise<LogCheckpointResponse> {
    return this.audit.latestCheckpoint();
  }

  @Post('audit/checkpoints/:checkpoint/cosignatures')
  @HttpCode(200)
  @ApiOperation({
    summary: "Record a witness's cosignature of a checkpoint (C2SP tlog-cosignature/v1)",
    description:
      'The signature line(s), or the whole cosigned note. Each must come from a witness key in AUDIT_WITNESS_KEYS and verify over the checkpoint; ' +
      'nothing is stored otherwise. Repeating a cosignature is harmless. Answers the checkpoint with its cosignatures.',
    tags,
    params: CheckpointIdParams,
    body: AddCosignatureRequest,
    responses: { 200: LogCheckpointSchema },
    problems: [404, 409, 422],
  })
  @RequirePermission('audit:cosign')
  addCosignature(
    @Body(new ZodValidationPipe(AddCosignatureRequest)) body: AddCosignatureRequest,
    @Param(new ZodValidationPipe(CheckpointIdParams)) { checkpoint }: CheckpointIdParams,
  ): Promise<LogCheckpointResponse> {
    return this.audit.addCosignatures(checkpoint, body.cosignature);
  }

  @Get('audit/public-key')
  @ApiOperation({
    summary: "The transparency log's origin and checkpoint verifier key (C2SP vkey)",
    description: 'Public: a verifier key is meant to be handed out. Keep it outside the system to check signed checkpoints offline (`npm run verify`).',
    tags,
    responses: { 200: AuditPublicKeyResponse },
    problems: [404],
  })
  @Public()
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('audit/proofs/inclusion')
  @ApiOperation({
    summary: 'RFC 9162 inclusion proof of an event in the tree of a given size',
    description: "`eventHash` is the event's hash as the log holds it now: with the proof it must lead to the signed root of that size.",
    tags,
    query: InclusionProofQuery,
    responses: { 200: InclusionProofResponse },
    problems: [404, 422],
  })
  @RequirePermission('audit:verify')
  inclusionProof(@Query(new ZodValidationPipe(InclusionProofQuery)) query: InclusionProofQuery) {
    return this.audit.inclusionProof(query.eventId, query.treeSize);
  }

  @Get('audit/proofs/consistency')
  @ApiOperation({
    summary: 'RFC 9162 consistency proof: the tree of size `from` is a prefix of the tree of size `to`',
    tags,
    query: ConsistencyProofQuery,
    responses: { 200: ConsistencyProofResponse },
    problems: [422],
  })
  @RequirePermission('audit:verify')
  consistencyProof(@Query(new ZodValidationPipe(ConsistencyProofQuery)) query: ConsistencyProofQuery) {
    return this.audit.consistencyProof(query.from, query.to);
  }

  @Post('audit/checkpoints')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a checkpoint of the log now: the signed transparency-log checkpoint and a Merkle root over every stream head, to keep outside the system',
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
    description:
      '`application/x-ndjson`: a header line, one line per event in log order, an end line. Import it with `npm run cli -- import`. ' +
      'With `checkpoint`, the export ends at that checkpoint, its header carries the signed checkpoint and each event its `leafIndex` and `inclusionProof`; ' +
      'with `since` too, the header carries the consistency proof from that earlier checkpoint (docs/transparency-log.md).',
    tags,
    query: AuditExportQuery,
    responses: { 200: null },
    problems: [404],
  })
  @RequirePermission('audit:export')
  async export(@Query(new ZodValidationPipe(AuditExportQuery)) query: AuditExportQuery, @Res() response: Response): Promise<void> {
    const streams = query.claim ? await this.audit.claimExportStreams(query.claim) : undefined;
    const proofs = query.checkpoint ? await this.audit.exportProofs(query.checkpoint, query.since) : undefined;
    response.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${query.claim ? `claim-${query.claim}` : 'log'}.ndjson"`);
    for await (const line of this.audit.exportLines(streams, proofs)) {
      if (!response.write(`${line}\n`)) await drainedOrClosed(response);
      if (response.destroyed) return;
    }
    response.end();
  }
}
