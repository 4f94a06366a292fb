import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Pool } from 'pg';
import { ClaimIdParams, ClaimReview, ClaimReviewListQuery } from '@claims/contracts';
import { ClaimNotFound } from '@claims/domain';
import { RequirePermission } from '../auth/access.decorators';
import { drainedOrClosed } from '../http/drained-or-closed';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { toClaimReview } from './claim-review.mapper';
import { CLAIM_REVIEW_OPTIONS, type ClaimReviewOptions, reviewPublisher } from './claim-review.options';
import { readClaimWithSources, readVerdictClaims } from './claim-review.reader';
import { publicBaseUrl } from './public-base-url';

export const JSON_LD = 'application/ld+json';
export const NDJSON = 'application/x-ndjson';

/** schema.org ClaimReview JSON-LD for claims with a verdict, one or in bulk (docs/claim-review.md). */
@Controller()
export class ClaimReviewController {
  constructor(
    private readonly pool: Pool,
    @Inject(CLAIM_REVIEW_OPTIONS) private readonly options: ClaimReviewOptions,
  ) {}

  @Get('claims/:claimId/claim-review')
  @ApiOperation({
    summary: 'The claim\'s verdict as a schema.org ClaimReview (JSON-LD)',
    description:
      `\`${JSON_LD}\`. For a claim with an editorial verdict: the rating maps the verdict to 1 (false) … 5 (confirmed), \`itemReviewed.appearance\` lists the supporting reports. ` +
      'A claim without a verdict (never issued, or withdrawn) is a 404 `CLAIM_HAS_NO_VERDICT`; a claim that does not exist, `CLAIM_NOT_FOUND`.',
    tags: ['claims'],
    params: ClaimIdParams,
    responses: { 200: ClaimReview },
    problems: [404],
  })
  @RequirePermission('claims:read')
  async claimReview(@Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams, @Req() request: Request, @Res() response: Response): Promise<void> {
    const found = await readClaimWithSources(this.pool, claimId);
    if (!found) throw new ClaimNotFound(claimId, 'path.claimId');
    const publisher = reviewPublisher(this.options, publicBaseUrl(this.options.publicBaseUrl, request));
    const review = toClaimReview(found.claim, { organization: publisher.organization, claimUrl: publisher.claimUrl(claimId), sources: found.sources });
    if (!review) {
      throw new HttpProblem(
        404,
        'CLAIM_HAS_NO_VERDICT',
        'Not found',
        `Claim ${claimId} has no editorial verdict (none was issued, or it was withdrawn): a ClaimReview is published only for a claim with a verdict`,
        { field: 'path.claimId' },
      );
    }
    response.status(200).type(JSON_LD).send(JSON.stringify(review));
  }

  @Get('claim-reviews')
  @ApiOperation({
    summary: 'Every claim with a verdict as ClaimReview JSON-LD, one per line (NDJSON)',
    description: `\`${NDJSON}\`: one ClaimReview object per line, in claim id order. \`status\` keeps the claims with that verdict. The same as \`npm run cli -- export claim-reviews\`.`,
    tags: ['claims'],
    query: ClaimReviewListQuery,
    responses: { 200: ClaimReview },
  })
  @RequirePermission('claims:read')
  async claimReviews(@Query(new ZodValidationPipe(ClaimReviewListQuery)) query: ClaimReviewListQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const publisher = reviewPublisher(this.options, publicBaseUrl(this.options.publicBaseUrl, request));
    const reviews = readVerdictClaims(this.pool, query.status);
    // Read the first page before answering: a failure there is still a problem+json, not a cut stream.
    let next = await reviews.next();
    response.status(200).type(NDJSON);
    try {
      for (; !next.done; next = await reviews.next()) {
        const { claim, sources } = next.value;
        const review = toClaimReview(claim, { organization: publisher.organization, claimUrl: publisher.claimUrl(claim.claimId), sources });
        if (review && !response.write(`${JSON.stringify(review)}\n`)) await drainedOrClosed(response);
        if (response.destroyed) return;
      }
      response.end();
    } catch (error) {
      // Headers are out: all that can tell the client the list is incomplete is a cut connection.
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      await reviews.return(undefined);
    }
  }
}
