import type { AppConfig } from '../config/app-config';
import { publicUrl } from './public-base-url';

export const CLAIM_REVIEW_OPTIONS = Symbol('CLAIM_REVIEW_OPTIONS');

export interface ClaimReviewOptions {
  organizationName: string;
  /** Unset: the public base URL. */
  organizationUrl?: string;
  /** Unset: each request's own address (the CLI: http://localhost:<PORT>). */
  publicBaseUrl?: string;
}

export const claimReviewOptionsFrom = (config: AppConfig): ClaimReviewOptions => ({
  organizationName: config.CLAIM_REVIEW_ORGANIZATION_NAME,
  organizationUrl: config.CLAIM_REVIEW_ORGANIZATION_URL,
  publicBaseUrl: config.PUBLIC_BASE_URL,
});

/** The organisation and the claim URLs for one base address. */
export const reviewPublisher = (options: ClaimReviewOptions, base: URL) => ({
  organization: { name: options.organizationName, url: options.organizationUrl ?? base.toString() },
  claimUrl: (claimId: string) => publicUrl(base, `claims/${encodeURIComponent(claimId)}`),
});
