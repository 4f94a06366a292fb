import { z } from 'zod';
import { Verdict } from '../events/vocabulary.schema';

/**
 * schema.org `ClaimReview` (https://schema.org/ClaimReview) as JSON-LD, the format fact-checkers exchange
 * verdicts in (Google Fact Check Tools, Meedan Check). Published only for a claim with an editorial
 * verdict: the computed statuses are the model's reading of the reports, not a review. docs/claim-review.md.
 */

/** The rating scale: `worstRating` … `bestRating`. */
export const CLAIM_REVIEW_WORST_RATING = 1;
export const CLAIM_REVIEW_BEST_RATING = 5;

/**
 * Each verdict's place on the scale and its words (`alternateName`, what a reader sees). `unverifiable` is
 * the middle: neither true nor false. 4 is unused: no verdict says "mostly true".
 */
export const CLAIM_REVIEW_RATINGS: Record<Verdict, { ratingValue: number; alternateName: string }> = {
  false: { ratingValue: 1, alternateName: 'False' },
  misleading: { ratingValue: 2, alternateName: 'Misleading' },
  unverifiable: { ratingValue: 3, alternateName: 'Unverifiable' },
  confirmed: { ratingValue: 5, alternateName: 'Confirmed' },
};

/** Who published a thing: the reviewing organisation, a claimant, a source. */
export const ClaimReviewAgent = z.strictObject({
  '@type': z.enum(['Organization', 'Person']),
  name: z.string().min(1),
  url: z.url().optional(),
});
export type ClaimReviewAgent = z.infer<typeof ClaimReviewAgent>;

/** Where the claim appeared: one report, with its source as the author. */
export const ClaimReviewAppearance = z.strictObject({
  '@type': z.literal('CreativeWork'),
  url: z.url().optional(),
  datePublished: z.iso.datetime({ offset: true }),
  author: ClaimReviewAgent.optional(),
});
export type ClaimReviewAppearance = z.infer<typeof ClaimReviewAppearance>;

export const ClaimReviewRating = z.strictObject({
  '@type': z.literal('Rating'),
  ratingValue: z.number().int().min(CLAIM_REVIEW_WORST_RATING).max(CLAIM_REVIEW_BEST_RATING),
  bestRating: z.literal(CLAIM_REVIEW_BEST_RATING),
  worstRating: z.literal(CLAIM_REVIEW_WORST_RATING),
  /** The verdict in words (`CLAIM_REVIEW_RATINGS`). */
  alternateName: z.string().min(1),
  /** The editor's rationale for the verdict. */
  ratingExplanation: z.string().min(1),
});
export type ClaimReviewRating = z.infer<typeof ClaimReviewRating>;

/** The claim reviewed: who made it, where and when it appeared. */
export const ClaimReviewItem = z.strictObject({
  '@type': z.literal('Claim'),
  /** The claimant actors, else the source of the report that put the claim on record. */
  author: z.union([ClaimReviewAgent, z.array(ClaimReviewAgent).min(2)]).optional(),
  /** When the claim first appeared (the earliest appearance). */
  datePublished: z.iso.datetime({ offset: true }).optional(),
  /** Every supporting, unretracted report, earliest first. */
  appearance: z.array(ClaimReviewAppearance),
  firstAppearance: ClaimReviewAppearance.optional(),
});
export type ClaimReviewItem = z.infer<typeof ClaimReviewItem>;

export const ClaimReview = z.strictObject({
  '@context': z.literal('https://schema.org'),
  '@type': z.literal('ClaimReview'),
  /** The claim's public URL (also the review's `url`). */
  '@id': z.url(),
  url: z.url(),
  /** The claim's statement (its current wording). */
  claimReviewed: z.string().min(1),
  /** When the verdict was issued. */
  datePublished: z.iso.datetime({ offset: true }),
  /** The reviewing organisation (`CLAIM_REVIEW_ORGANIZATION_NAME` / `_URL`). */
  author: ClaimReviewAgent,
  reviewRating: ClaimReviewRating,
  itemReviewed: ClaimReviewItem,
});
export type ClaimReview = z.infer<typeof ClaimReview>;

/** `GET /claim-reviews` and `export claim-reviews`: every claim with a verdict, or with this one. */
export const ClaimReviewListQuery = z.strictObject({
  /** Only claims with this verdict (their published status). */
  status: Verdict.optional(),
});
export type ClaimReviewListQuery = z.infer<typeof ClaimReviewListQuery>;
