import { CLAIM_REVIEW_RATINGS, ClaimReview, Verdict } from '@claims/contracts';
import { sourceCatalogueOf, type ClaimReport, type OnRecordClaim } from '@claims/domain';
import { toClaimReview, type ClaimReviewContext } from './claim-review.mapper';

const recorded = { recordedAt: '2024-03-01T10:00:00.000Z', recordedBy: 'editor' };
const reportOf = (reportId: string, sourceId: string, publishedAt: string, extra: Partial<ClaimReport> = {}): ClaimReport => ({
  reportId,
  sourceId,
  publishedAt,
  stance: 'supports',
  isAssertion: false,
  ...recorded,
  ...extra,
});

const claim = (extra: Partial<OnRecordClaim> = {}): OnRecordClaim => ({
  status: 'open',
  claimId: 'c-1',
  statement: 'A statement',
  statementHistory: [{ statement: 'A statement', ...recorded }],
  category: 'attack',
  actors: [],
  location: { placeName: 'Kalamba', country: 'Mali', precision: 'locality' },
  occurred: { start: '2024-02-20', precision: 'day' },
  reports: [reportOf('r-1', 's-known', '2024-02-22T00:00:00Z', { isAssertion: true })],
  evidence: [],
  verdict: { verdict: 'false', rationale: 'Old footage', recordedAt: '2024-03-02T00:00:00.000Z', recordedBy: 'editor' },
  assertedAt: recorded.recordedAt,
  ...extra,
});

const context: ClaimReviewContext = {
  organization: { name: 'Desk', url: 'https://desk.example.org/' },
  claimUrl: 'https://claims.example.org/claims/c-1',
  sources: sourceCatalogueOf([{ sourceId: 's-known', name: 'Kidal Info', kind: 'news_outlet', reliability: 'C' }]),
};

describe('toClaimReview', () => {
  it('gives nothing without a verdict', () => {
    expect(toClaimReview(claim({ verdict: undefined }), context)).toBeUndefined();
  });

  it('rates every verdict on the documented scale, with its words', () => {
    for (const verdict of Verdict.options) {
      const review = toClaimReview(claim({ verdict: { verdict, rationale: 'why', ...recorded } }), context)!;
      expect(ClaimReview.parse(review).reviewRating).toEqual({ '@type': 'Rating', ratingValue: CLAIM_REVIEW_RATINGS[verdict].ratingValue, bestRating: 5, worstRating: 1, alternateName: CLAIM_REVIEW_RATINGS[verdict].alternateName, ratingExplanation: 'why' });
    }
    expect(Object.values(CLAIM_REVIEW_RATINGS).map((rating) => rating.ratingValue).sort()).toEqual([1, 2, 3, 5]);
  });

  it('lists several claimants as an array, and leaves out the author of a report whose source is unknown', () => {
    const review = toClaimReview(
      claim({
        actors: [{ name: 'Amaq', role: 'claimant' }, { name: 'ISGS', role: 'claimant' }, { name: 'JNIM', role: 'target' }],
        reports: [reportOf('r-1', 's-known', '2024-02-22T00:00:00Z', { isAssertion: true }), reportOf('r-2', 's-gone', '2024-02-21T00:00:00Z', { url: 'https://x.example.org/' })],
      }),
      context,
    )!;
    expect(review.itemReviewed.author).toEqual([{ '@type': 'Organization', name: 'Amaq' }, { '@type': 'Organization', name: 'ISGS' }]);
    expect(review.itemReviewed.firstAppearance).toEqual({ '@type': 'CreativeWork', url: 'https://x.example.org/', datePublished: '2024-02-21T00:00:00Z' });
  });

  it('leaves the claim\'s author out when neither a claimant nor the asserting source is known', () => {
    const review = toClaimReview(claim({ reports: [reportOf('r-1', 's-gone', '2024-02-22T00:00:00Z', { isAssertion: true })] }), context)!;
    expect(review.itemReviewed).toEqual({
      '@type': 'Claim',
      datePublished: '2024-02-22T00:00:00Z',
      appearance: [{ '@type': 'CreativeWork', datePublished: '2024-02-22T00:00:00Z' }],
      firstAppearance: { '@type': 'CreativeWork', datePublished: '2024-02-22T00:00:00Z' },
    });
  });
});
