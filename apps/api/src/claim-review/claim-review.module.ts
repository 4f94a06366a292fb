import { Module } from '@nestjs/common';
import { loadAppConfig } from '../config/app-config';
import { ClaimReviewController } from './claim-review.controller';
import { CLAIM_REVIEW_OPTIONS, claimReviewOptionsFrom } from './claim-review.options';

/** schema.org ClaimReview for claims with a verdict; the publisher is configured (CLAIM_REVIEW_ORGANIZATION_*). */
@Module({
  providers: [{ provide: CLAIM_REVIEW_OPTIONS, useFactory: () => claimReviewOptionsFrom(loadAppConfig()) }],
  controllers: [ClaimReviewController],
})
export class ClaimReviewModule {}
