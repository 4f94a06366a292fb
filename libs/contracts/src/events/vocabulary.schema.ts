import { z } from 'zod';

/**
 * Closed vocabularies shared by events, API bodies, projections and feed messages.
 * Values are snake_case strings because they travel in JSON and SQL; renaming one is a schema change.
 */

/** What kind of voice a source is; drives nothing in the model by itself, but editors filter on it. */
export const SourceKind = z.enum([
  'news_outlet',
  'wire_agency',
  'research_organisation',
  'ngo',
  'government_or_military',
  'armed_group_media',
  'social_media_account',
  'local_contact',
  'other',
]);
export type SourceKind = z.infer<typeof SourceKind>;

/**
 * Admiralty (NATO AJP-2.1) source reliability: A completely reliable, B usually reliable, C fairly reliable,
 * D not usually reliable, E unreliable, F reliability cannot be judged (the default for a new source).
 */
export const SourceReliability = z.enum(['A', 'B', 'C', 'D', 'E', 'F']);
export type SourceReliability = z.infer<typeof SourceReliability>;

export const ClaimCategory = z.enum([
  'attack',
  'execution',
  'clash',
  'casualty_figure',
  'territorial_control',
  'statement',
  'other',
]);
export type ClaimCategory = z.infer<typeof ClaimCategory>;

export const ActorRole = z.enum(['perpetrator', 'target', 'claimant', 'other']);
export type ActorRole = z.infer<typeof ActorRole>;

/** How precisely a claim's location is known, from a point to the whole country. */
export const LocationPrecision = z.enum(['exact', 'locality', 'district', 'region', 'country']);
export type LocationPrecision = z.infer<typeof LocationPrecision>;

/** The granularity of a claim's date or date range. */
export const DatePrecision = z.enum(['day', 'week', 'month', 'year']);
export type DatePrecision = z.infer<typeof DatePrecision>;

/** Whether a report supports the claim (corroboration, or the first assertion) or contradicts it. */
export const ReportStance = z.enum(['supports', 'disputes']);
export type ReportStance = z.infer<typeof ReportStance>;

/** An editorial decision on a claim; it overrides the published status, never the computed one. */
export const Verdict = z.enum(['confirmed', 'false', 'misleading', 'unverifiable']);
export type Verdict = z.infer<typeof Verdict>;

/** Status computed by the assessment model from the reports alone. */
export const ClaimStatus = z.enum(['unverified', 'corroborated', 'contested', 'disputed', 'retracted']);
export type ClaimStatus = z.infer<typeof ClaimStatus>;

/** What readers see: the editorial verdict when there is one, the computed status otherwise. */
export const PublishedStatus = z.enum([...ClaimStatus.options, ...Verdict.options]);
export type PublishedStatus = z.infer<typeof PublishedStatus>;

/** ICD 203 expressions of likelihood, lowest to highest. */
export const Icd203Band = z.enum([
  'almost_no_chance',
  'very_unlikely',
  'unlikely',
  'roughly_even_chance',
  'likely',
  'very_likely',
  'almost_certain',
]);
export type Icd203Band = z.infer<typeof Icd203Band>;

/**
 * Admiralty information credibility: 1 confirmed by other independent sources, 2 probably true,
 * 3 possibly true, 4 doubtful, 5 improbable, 6 truth cannot be judged.
 */
export const CredibilityRating = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
  z.literal(6),
]);
export type CredibilityRating = z.infer<typeof CredibilityRating>;
