import { z } from 'zod';
import { SealedValueSchema } from './sealed-value.schema';
import { ActorRole, DatePrecision, LocationPrecision } from './vocabulary.schema';

/**
 * Building blocks of event payloads. Every string is bounded and every object strict, because the same
 * schemas validate what is read back from the store: an unexpected field there is a bug to surface.
 */

/** Stream and entity ids: opaque, URL-safe, generated outside the domain (usually UUIDs). */
export const Identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, ".", "_", ":" and "-" only');

/**
 * The years a date or instant may name. ISO 8601 admits year 0000, which PostgreSQL's `date` and
 * `timestamptz` refuse; conflict reporting has no use for dates before 1900, and five-digit years are
 * not ISO 8601's basic form. Bounding the written year here keeps every input the database would refuse
 * a 400 naming the field, instead of an error from the database.
 */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 9999;

// Both formats start with the four-digit year: the year as written, before any offset is applied.
const yearInRange = (value: string): boolean => {
  const year = Number(value.slice(0, 4));
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
};
const YEAR_RANGE = { message: `the year must be between ${EARLIEST_YEAR} and ${LATEST_YEAR}` };

/** An instant with an explicit offset, e.g. `2020-06-05T14:00:00Z`, in years {@link EARLIEST_YEAR}..{@link LATEST_YEAR}. */
// `abort`: a value that is not a date at all gets one error, not a second one about its year.
export const Timestamp = z.iso.datetime({ offset: true, abort: true }).refine(yearInRange, YEAR_RANGE);

/** A calendar date, `YYYY-MM-DD`, in years {@link EARLIEST_YEAR}..{@link LATEST_YEAR}. */
export const CalendarDate = z.iso.date({ abort: true }).refine(yearInRange, YEAR_RANGE);

export const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Lowercase hex SHA-256 digest of archived content. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256 digest');

/** IANA media type such as `text/html` or `image/jpeg`. */
export const MediaType = z
  .string()
  .max(255)
  .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(;.*)?$/i, 'a media type such as text/html');

/** Who did something: an editor, analyst or service account id, supplied by the caller. */
export const ActorId = z.string().min(1).max(200);

export const Name = z.string().trim().min(1).max(300);
export const Reason = z.string().trim().min(1).max(2000);
export const Statement = z.string().trim().min(1).max(2000);
export const Quote = z.string().min(1).max(5000);

/** A party to the claimed event; `affiliation` is the wider party it belongs to (e.g. "Islamic State" for ISGS). */
export const ClaimActor = z.strictObject({
  name: Name,
  role: ActorRole,
  affiliation: Name.optional(),
});
export type ClaimActor = z.infer<typeof ClaimActor>;

export const Coordinates = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
export type Coordinates = z.infer<typeof Coordinates>;

export const ClaimLocation = z.strictObject({
  placeName: Name,
  adminRegion: Name.optional(),
  country: Name,
  coordinates: Coordinates.optional(),
  precision: LocationPrecision,
});
export type ClaimLocation = z.infer<typeof ClaimLocation>;

/** When the claimed event happened: one date (`end` absent) or an inclusive range. */
export const OccurrenceWindow = z
  .strictObject({ start: CalendarDate, end: CalendarDate.optional(), precision: DatePrecision })
  .refine((window) => window.end === undefined || window.end >= window.start, {
    message: 'end must not be before start',
    path: ['end'],
  });
export type OccurrenceWindow = z.infer<typeof OccurrenceWindow>;

const Count = z.number().int().min(0).max(1_000_000_000);

/**
 * A reported number: any of low / best / high. `{ low: 1500 }` reads "1,500 or more"; `{ best: 415 }` is a
 * point figure; `{ high: 50 }` reads "up to 50".
 */
export const Figure = z
  .strictObject({ low: Count.optional(), best: Count.optional(), high: Count.optional() })
  .refine((f) => f.low !== undefined || f.best !== undefined || f.high !== undefined, {
    message: 'a figure needs at least one of low, best, high',
  })
  .refine(
    (f) =>
      (f.low === undefined || f.best === undefined || f.low <= f.best) &&
      (f.best === undefined || f.high === undefined || f.best <= f.high) &&
      (f.low === undefined || f.high === undefined || f.low <= f.high),
    { message: 'low <= best <= high' },
  );
export type Figure = z.infer<typeof Figure>;

/** What a casualty-figure claim counts (e.g. "fighters killed") and the asserted figure. */
export const ClaimQuantity = z.strictObject({
  counted: Name,
  unit: z.string().trim().min(1).max(50).optional(),
  figure: Figure,
});
export type ClaimQuantity = z.infer<typeof ClaimQuantity>;

/**
 * One source's report on a claim, as recorded. `relaysSourceId`: the report cites that source instead of
 * observing independently. `selfInterested`: the editor's explicit call; when absent the assessment derives
 * it from the source's current affiliation, so correcting an affiliation re-assesses the claim.
 */
export const ReportDetails = z.strictObject({
  reportId: Identifier,
  sourceId: Identifier,
  publishedAt: Timestamp,
  url: HttpUrl.optional(),
  quote: Quote.optional(),
  relaysSourceId: Identifier.optional(),
  selfInterested: z.boolean().optional(),
  figure: Figure.optional(),
  /** A confidential source's report: its `url` and `quote`, sealed with the source's data key (docs/protection.md). */
  sealed: SealedValueSchema.optional(),
});
export type ReportDetails = z.infer<typeof ReportDetails>;
