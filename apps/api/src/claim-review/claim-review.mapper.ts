import { CLAIM_REVIEW_BEST_RATING, CLAIM_REVIEW_RATINGS, CLAIM_REVIEW_WORST_RATING, ClaimReview, type ClaimReviewAgent, type ClaimReviewAppearance } from '@claims/contracts';
import { isActive, type ClaimReport, type OnRecordClaim, type SourceCatalogue, type SourceSnapshot } from '@claims/domain';

/** What a review says about its publisher and where the claim lives. */
export interface ClaimReviewContext {
  organization: { name: string; url: string };
  /** The claim's public URL (`<public base>/claims/<id>`). */
  claimUrl: string;
  /** The sources the claim's reports name (for the appearances' authors). */
  sources: SourceCatalogue;
}

// A source is an organisation unless it is one person the desk talks to; a social media account may be
// either, and most in this domain are outlets' and groups' accounts.
const agentOfSource = (source: SourceSnapshot): ClaimReviewAgent => ({ '@type': source.kind === 'local_contact' ? 'Person' : 'Organization', name: source.name });

const appearanceOf = (report: ClaimReport, sources: SourceCatalogue): ClaimReviewAppearance => {
  const source = sources.get(report.sourceId);
  return {
    '@type': 'CreativeWork',
    ...(report.url ? { url: report.url } : {}),
    datePublished: report.publishedAt,
    ...(source ? { author: agentOfSource(source) } : {}),
  };
};

const byPublication = (a: ClaimReport, b: ClaimReport) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || Number(b.isAssertion) - Number(a.isAssertion);

/**
 * Who made the claim: its claimant actors (as organisations: in conflict reporting they are groups,
 * ministries and armies far more often than people), else the source whose report put it on record.
 */
const claimAuthor = (claim: OnRecordClaim, sources: SourceCatalogue): ClaimReviewAgent | ClaimReviewAgent[] | undefined => {
  const claimants = claim.actors.filter((actor) => actor.role === 'claimant').map((actor): ClaimReviewAgent => ({ '@type': 'Organization', name: actor.name }));
  if (claimants.length === 1) return claimants[0];
  if (claimants.length > 1) return claimants;
  const assertion = claim.reports.find((report) => report.isAssertion);
  const source = assertion && sources.get(assertion.sourceId);
  return source ? agentOfSource(source) : undefined;
};

/**
 * The claim's schema.org `ClaimReview`, or undefined when it has no verdict (none issued, or withdrawn).
 * Appearances are the reports that carry the claim (supporting, not retracted), earliest first; a
 * disputing report contradicts the claim, so it is not where the claim appeared. Validated.
 */
export const toClaimReview = (claim: OnRecordClaim, context: ClaimReviewContext): ClaimReview | undefined => {
  const verdict = claim.verdict;
  if (!verdict) return undefined;
  const appearances = claim.reports
    .filter((report) => report.stance === 'supports' && isActive(report))
    .sort(byPublication)
    .map((report) => appearanceOf(report, context.sources));
  const author = claimAuthor(claim, context.sources);
  const rating = CLAIM_REVIEW_RATINGS[verdict.verdict];
  return ClaimReview.parse({
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    '@id': context.claimUrl,
    url: context.claimUrl,
    claimReviewed: claim.statement,
    datePublished: verdict.recordedAt,
    author: { '@type': 'Organization', name: context.organization.name, url: context.organization.url },
    reviewRating: {
      '@type': 'Rating',
      ratingValue: rating.ratingValue,
      bestRating: CLAIM_REVIEW_BEST_RATING,
      worstRating: CLAIM_REVIEW_WORST_RATING,
      alternateName: rating.alternateName,
      ratingExplanation: verdict.rationale,
    },
    itemReviewed: {
      '@type': 'Claim',
      ...(author ? { author } : {}),
      ...(appearances[0] ? { datePublished: appearances[0].datePublished, firstAppearance: appearances[0] } : {}),
      appearance: appearances,
    },
  });
};
