import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ClaimHistoryQuery, ClaimHistoryResponse, ClaimIdParams } from '@claims/contracts';
import { ClaimNotFound, CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { formatLogPosition } from '@claims/event-store';
import { headlineOf, toClaimSummary, type ClaimHeadline, type ClaimHistoryStep } from '@claims/projections';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { RecomputeClaimQuery } from '../claims/recompute-claim.query';

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
    publishedAt: step.publishedAt === null ? null : new Date(step.publishedAt).toISOString(),
    reportedAt: step.reportedAt.toISOString(),
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

/** For auditors: a claim's replayed history, on the store's clock or on the reporting's own clock. */
@Controller()
export class ClaimHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get('claims/:claimId/history')
  @ApiOperation({
    summary: "A claim's history: every event of the claim and every source change that re-assessed it, with the assessment after each",
    description:
      'In log order by default. Each entry names who (actor), when (`recordedAt`, and `publishedAt` for a report), the correlation and causation ids, the hash-chain link, and the assessment ' +
      'after the step (status, confidence, band, rating), what moved (`changed`) and why (`explanation`), recomputed by replaying the log with the pure assessment code. ' +
      '`order=reported` lists the same entries on the reporting clock (`reportedAt`: a report by its `publishedAt`, other events by `recordedAt`; ties in log order), ' +
      "the claim's events folded in that order against the source grades the log holds now: each entry's assessment is the claim `asReportedOn` that entry's `reportedAt`.",
    tags: ['audit'],
    params: ClaimIdParams,
    query: ClaimHistoryQuery,
    responses: { 200: ClaimHistoryResponse },
    problems: [404],
  })
  @RequirePermission('history:read')
  async history(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Query(new ZodValidationPipe(ClaimHistoryQuery)) { order }: ClaimHistoryQuery,
  ): Promise<ClaimHistoryResponse> {
    const steps = await this.queries.execute(new RecomputeClaimQuery(claimId, {}, CURRENT_ASSESSMENT_MODEL, order));
    const last = steps.at(-1);
    if (!last) throw new ClaimNotFound(claimId);
    const { occurred } = toClaimSummary(last.view);
    return { claimId, modelVersion: CURRENT_ASSESSMENT_MODEL.modelVersion, order, occurred, entries: steps.map(toHistoryEntry) };
  }
}
