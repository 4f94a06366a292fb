import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  AddReportRequest,
  AddReportResponse,
  assessmentModelQuery,
  AmendStatementRequest,
  AttachEvidenceRequest,
  AttachEvidenceResponse,
  ClaimEvidenceResponse,
  ClaimIdParams,
  ClaimListQuery,
  ClaimListResponse,
  ClaimPointInTimeQuery,
  ClaimPointInTimeResponse,
  ClaimReportResponse,
  ClaimResponse,
  EvidenceIdParams,
  IssueVerdictRequest,
  MergeClaimRequest,
  OpenClaimRequest,
  ReportIdParams,
  RetractReportRequest,
  WithdrawVerdictRequest,
} from '@claims/contracts';
import { z } from 'zod';
import {
  ASSESSMENT_MODEL_NAMES,
  ASSESSMENT_MODELS,
  ClaimNotFound,
  CURRENT_ASSESSMENT_MODEL,
  ReportNotFound,
  type AssessmentModelName,
  type AssessmentParams,
} from '@claims/domain';
import { formatLogPosition } from '@claims/event-store';
import { decodeClaimCursor, toClaimResponse, toClaimSummary, type ClaimView, type HistoryCut } from '@claims/projections';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { AddReportCommand } from './add-report.command';
import { AmendStatementCommand } from './amend-statement.command';
import { AttachEvidenceCommand } from './attach-evidence.command';
import { GetClaimQuery } from './get-claim.query';
import { IssueVerdictCommand } from './issue-verdict.command';
import { ListClaimsQuery } from './list-claims.query';
import { MergeClaimCommand } from './merge-claim.command';
import { OpenClaimCommand } from './open-claim.command';
import { RecomputeClaimQuery } from './recompute-claim.query';
import { newResourceId } from './resource-id';
import { RetractReportCommand } from './retract-report.command';
import { WithdrawVerdictCommand } from './withdraw-verdict.command';
import { ConfidentialIdentities } from '../protection/confidential-identity.service';

const IF_MATCH = { 'If-Match': 'The claim version (ETag) the change is based on; a stale one answers 412' };
const tags = ['claims'];

/** `GET /claims/:claimId`: time travel (`asOf` or `atVersion`, and `asReportedOn`) and the model to recompute with (`model`). */
const ClaimReadQuery = ClaimPointInTimeQuery.extend(
  assessmentModelQuery(ASSESSMENT_MODEL_NAMES as [AssessmentModelName, ...AssessmentModelName[]]).shape,
);
type ClaimReadQuery = z.infer<typeof ClaimReadQuery>;

/** Every answer about one claim carries its stream version as the ETag, for the next `If-Match`. */
const withClaim = (response: Response, view: ClaimView): ClaimResponse => {
  response.setHeader('ETag', `"${view.version}"`);
  return toClaimResponse(view);
};

@Controller('claims')
export class ClaimsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly identities: ConfidentialIdentities,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open a claim with the report that puts it on record',
    tags,
    body: OpenClaimRequest,
    responses: { 201: ClaimResponse },
    problems: [409, 422],
  })
  @RequirePermission('claims:open')
  async open(
    @Body(new ZodValidationPipe(OpenClaimRequest)) body: OpenClaimRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse> {
    const claimId = newResourceId(context, 'claim');
    const { view } = await this.commands.execute(new OpenClaimCommand(claimId, newResourceId(context, 'report'), body, context));
    response.setHeader('Location', `/claims/${claimId}`);
    return withClaim(response, view);
  }

  @Get()
  @ApiOperation({
    summary: 'List claims, most recently asserted first, with filters and cursor pagination',
    tags,
    query: ClaimListQuery,
    responses: { 200: ClaimListResponse },
  })
  @RequirePermission('claims:read')
  async list(@Query(new ZodValidationPipe(ClaimListQuery)) query: ClaimListQuery): Promise<ClaimListResponse> {
    const { cursor, ...filters } = query;
    const after = cursor === undefined ? undefined : decodeClaimCursor(cursor);
    if (cursor !== undefined && !after) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', 'query.cursor: not a cursor this API returned', {
        field: 'query.cursor',
        errors: [{ field: 'query.cursor', message: 'not a cursor this API returned' }],
      });
    }
    const page = await this.queries.execute(new ListClaimsQuery({ ...filters, ...(after ? { after } : {}) }));
    return { items: page.items.map(toClaimSummary), nextCursor: page.nextCursor };
  }

  @Get(':claimId')
  @ApiOperation({
    summary:
      'A claim with its assessment and explanation; with asOf or atVersion, as it stood then; with asReportedOn, as the reporting stood then; with model, as another assessment model judges it',
    description:
      '`asOf` (an instant of the store\'s clock) or `atVersion` (a claim version) recomputes the claim and its assessment by replaying the log ' +
      '(the claim and its sources as they were then) with the same pure assessment code. ' +
      '`asReportedOn` (an instant of the reporting\'s own clock) recomputes it from the reports published by then (`publishedAt` at or before it; ' +
      'a report published before the asserting report counts from the assertion\'s publication), and the retractions, evidence, verdicts, merges and ' +
      'amendments recorded by then (by `recordedAt`, a retraction never before its report), with the source grades the log holds now, or at `asOf` when given ' +
      '(it composes with `asOf`, not with `atVersion`); `pointInTime.clock` is `reported` and `pointInTime.reportsCounted` counts the reports. ' +
      'Before the claim\'s first report: 404 `CLAIM_NOT_YET_REPORTED`. `model` (' +
      ASSESSMENT_MODEL_NAMES.join(', ') +
      ') recomputes it with that assessment model instead of the current one, alone or with the cuts. ' +
      'A recomputed answer has `pointInTime`; its `modelVersion` and the `X-Assessment-Model` header name the model used.',
    tags,
    params: ClaimIdParams,
    query: ClaimReadQuery,
    responses: { 200: z.union([ClaimResponse, ClaimPointInTimeResponse]) },
    problems: [404],
  })
  @RequirePermission('claims:read')
  async get(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Query(new ZodValidationPipe(ClaimReadQuery)) at: ClaimReadQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse | ClaimPointInTimeResponse> {
    if (at.asOf === undefined && at.atVersion === undefined && at.asReportedOn === undefined && at.model === undefined) {
      return withClaim(response, await this.queries.execute(new GetClaimQuery(claimId)));
    }
    const asOf = at.asOf !== undefined ? new Date(at.asOf) : undefined;
    const asReportedOn = at.asReportedOn !== undefined ? new Date(at.asReportedOn) : undefined;
    const cut: HistoryCut = at.atVersion !== undefined ? { atVersion: at.atVersion } : { ...(asOf ? { asOf } : {}), ...(asReportedOn ? { asReportedOn } : {}) };
    const params = at.model !== undefined ? ASSESSMENT_MODELS[at.model] : CURRENT_ASSESSMENT_MODEL;
    const steps = await this.queries.execute(new RecomputeClaimQuery(claimId, cut, params));
    const step = steps.at(-1);
    if (!step && asReportedOn) await this.notYetReported(claimId, asReportedOn, asOf, params);
    if (!step || (at.atVersion !== undefined && step.view.version !== at.atVersion)) {
      if (steps.length === 0 && at.asOf !== undefined) throw new HttpProblem(404, 'CLAIM_NOT_FOUND', 'Not found', `Claim ${claimId} did not exist at ${at.asOf}`, { field: 'query.asOf' });
      if (!step) throw new ClaimNotFound(claimId);
      throw new HttpProblem(404, 'CLAIM_VERSION_NOT_FOUND', 'Not found', `Claim ${claimId} has no version ${at.atVersion}`, { field: 'query.atVersion' });
    }
    const modelVersion = step.view.assessment.modelVersion;
    response.setHeader('X-Assessment-Model', modelVersion);
    return {
      ...toClaimResponse(step.view),
      pointInTime: {
        clock: asReportedOn ? 'reported' : 'recorded',
        ...(asOf ? { asOf: asOf.toISOString() } : {}),
        ...(at.atVersion !== undefined ? { atVersion: at.atVersion } : {}),
        ...(asReportedOn ? { asReportedOn: asReportedOn.toISOString(), reportsCounted: step.view.claim.reports.length } : {}),
        position: formatLogPosition(step.position),
        eventType: step.type,
        recordedAt: step.recordedAt.toISOString(),
        recomputed: true,
        modelVersion,
      },
    };
  }

  /**
   * Nothing to show as reported on `asReportedOn`: if the claim is on record (at `asOf`), a 404 that says
   * so and when its reporting starts; otherwise returns, and the caller answers the usual not-found.
   */
  private async notYetReported(claimId: string, asReportedOn: Date, asOf: Date | undefined, params: AssessmentParams): Promise<void> {
    const recorded = await this.queries.execute(new RecomputeClaimQuery(claimId, asOf ? { asOf } : {}, params));
    const assertion = recorded.at(0);
    const last = recorded.at(-1);
    if (!assertion || !last) return;
    const firstPublished = last.view.claim.reports.map((report) => new Date(report.publishedAt).toISOString()).sort()[0];
    const assertedOn = assertion.reportedAt.toISOString();
    const when = asReportedOn.toISOString();
    throw new HttpProblem(
      404,
      'CLAIM_NOT_YET_REPORTED',
      'Not reported yet',
      firstPublished !== undefined && firstPublished < assertedOn
        ? `No report published by ${when} put claim ${claimId} on record: the report that asserted it was published ${assertedOn}`
        : `No report published by ${when}: claim ${claimId}'s first report was published ${assertedOn}`,
      { field: 'query.asReportedOn' },
    );
  }

  @Post(':claimId/reports')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a report that supports or disputes the claim',
    tags,
    params: ClaimIdParams,
    body: AddReportRequest,
    headers: IF_MATCH,
    responses: { 201: AddReportResponse },
    problems: [404, 409, 412, 422],
  })
  @RequirePermission('claims:report')
  async addReport(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(AddReportRequest)) body: AddReportRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AddReportResponse> {
    const { view, reportId } = await this.commands.execute(
      new AddReportCommand(claimId, newResourceId(context, 'report'), body, context),
    );
    response.setHeader('Location', `/claims/${claimId}/reports/${reportId}`);
    return { reportId, claim: withClaim(response, view) };
  }

  @Get(':claimId/reports/:reportId')
  @ApiOperation({ summary: 'One report on a claim', tags, params: ReportIdParams, responses: { 200: ClaimReportResponse }, problems: [404] })
  @RequirePermission('claims:read')
  async getReport(
    @Param(new ZodValidationPipe(ReportIdParams)) { claimId, reportId }: ReportIdParams,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimReportResponse> {
    const view = await this.queries.execute(new GetClaimQuery(claimId));
    const report = view.claim.reports.find((candidate) => candidate.reportId === reportId);
    if (!report) throw new ReportNotFound(reportId);
    response.setHeader('ETag', `"${view.version}"`);
    // A confidential source's url and quote are opened here only, for keys that may read them (logged).
    return { claimId, ...(await this.identities.revealReport(report, context, 'GET /claims/:claimId/reports/:reportId')) };
  }

  @Post(':claimId/reports/:reportId/retraction')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retract a report: it stays on record but no longer counts',
    tags,
    params: ReportIdParams,
    body: RetractReportRequest,
    headers: IF_MATCH,
    responses: { 200: ClaimResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('claims:report')
  async retractReport(
    @Param(new ZodValidationPipe(ReportIdParams)) { claimId, reportId }: ReportIdParams,
    @Body(new ZodValidationPipe(RetractReportRequest)) body: RetractReportRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse> {
    const { view } = await this.commands.execute(new RetractReportCommand(claimId, reportId, body, context));
    return withClaim(response, view);
  }

  @Post(':claimId/evidence')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach an archived copy of evidence to the claim',
    tags,
    params: ClaimIdParams,
    body: AttachEvidenceRequest,
    headers: IF_MATCH,
    responses: { 201: AttachEvidenceResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('claims:evidence')
  async attachEvidence(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(AttachEvidenceRequest)) body: AttachEvidenceRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AttachEvidenceResponse> {
    const evidenceId = newResourceId(context, 'evidence');
    const { view } = await this.commands.execute(new AttachEvidenceCommand(claimId, evidenceId, body, context));
    response.setHeader('Location', `/claims/${claimId}/evidence/${evidenceId}`);
    return { evidenceId, claim: withClaim(response, view) };
  }

  @Get(':claimId/evidence/:evidenceId')
  @ApiOperation({ summary: 'One piece of evidence on a claim', tags, params: EvidenceIdParams, responses: { 200: ClaimEvidenceResponse }, problems: [404] })
  @RequirePermission('claims:read')
  async getEvidence(
    @Param(new ZodValidationPipe(EvidenceIdParams)) { claimId, evidenceId }: EvidenceIdParams,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimEvidenceResponse> {
    const view = await this.queries.execute(new GetClaimQuery(claimId));
    const evidence = view.claim.evidence.find((candidate) => candidate.evidenceId === evidenceId);
    if (!evidence) throw new HttpProblem(404, 'EVIDENCE_NOT_FOUND', 'Not found', `Evidence ${evidenceId} is not on this claim`, { field: 'path.evidenceId' });
    response.setHeader('ETag', `"${view.version}"`);
    return { claimId, ...evidence };
  }

  @Put(':claimId/verdict')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue an editorial verdict; it becomes the published status',
    tags,
    params: ClaimIdParams,
    body: IssueVerdictRequest,
    headers: IF_MATCH,
    responses: { 200: ClaimResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('claims:verdict')
  async issueVerdict(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(IssueVerdictRequest)) body: IssueVerdictRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse> {
    const { view } = await this.commands.execute(new IssueVerdictCommand(claimId, body, context));
    return withClaim(response, view);
  }

  @Post(':claimId/verdict/withdrawal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw the verdict; the computed status is published again',
    tags,
    params: ClaimIdParams,
    body: WithdrawVerdictRequest,
    headers: IF_MATCH,
    responses: { 200: ClaimResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('claims:verdict')
  async withdrawVerdict(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(WithdrawVerdictRequest)) body: WithdrawVerdictRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse> {
    const { view } = await this.commands.execute(new WithdrawVerdictCommand(claimId, body, context));
    return withClaim(response, view);
  }

  @Post(':claimId/merge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Merge the claim into the claim it duplicates',
    tags,
    params: ClaimIdParams,
    body: MergeClaimRequest,
    headers: IF_MATCH,
    responses: { 200: ClaimResponse },
    problems: [404, 409, 412, 422],
  })
  @RequirePermission('claims:merge')
  async merge(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(MergeClaimRequest)) body: MergeClaimRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse> {
    const { view } = await this.commands.execute(new MergeClaimCommand(claimId, body, context));
    return withClaim(response, view);
  }

  @Put(':claimId/statement')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Amend the claim statement; earlier wordings stay in its history',
    tags,
    params: ClaimIdParams,
    body: AmendStatementRequest,
    headers: IF_MATCH,
    responses: { 200: ClaimResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('claims:amend')
  async amendStatement(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(AmendStatementRequest)) body: AmendStatementRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimResponse> {
    const { view } = await this.commands.execute(new AmendStatementCommand(claimId, body, context));
    return withClaim(response, view);
  }
}
