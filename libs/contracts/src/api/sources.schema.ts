import { z } from 'zod';
import { ActorId, Name, Reason } from '../events/primitives.schema';
import { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus, ReportStance, SourceKind, SourceReliability } from '../events/vocabulary.schema';

const ContactNotes = z.string().trim().min(1).max(4000);

export const RegisterSourceRequest = z.strictObject({
  name: Name,
  kind: SourceKind,
  /** The party the source belongs to or speaks for; reports on claims involving it count as self-interested. */
  affiliation: Name.optional(),
  /** Outlets that are one voice share an origin group and count once together. */
  originGroup: Name.optional(),
  /** Admiralty grade; F ("cannot be judged") when absent. */
  reliability: SourceReliability.optional(),
  /**
   * A person in danger if named: the name and contact notes are stored sealed, and keys without
   * `sources:confidential:read` see a pseudonym ("Confidential source 7"). docs/protection.md.
   */
  confidential: z.boolean().optional(),
  /** How the desk reaches the source; only for a confidential source, stored sealed. */
  contactNotes: ContactNotes.optional(),
});
export type RegisterSourceRequest = z.infer<typeof RegisterSourceRequest>;

/** A patch: absent fields stay, `null` clears `affiliation` or `originGroup`. */
export const UpdateSourceRequest = z
  .strictObject({
    name: Name.optional(),
    kind: SourceKind.optional(),
    affiliation: Name.nullable().optional(),
    originGroup: Name.nullable().optional(),
    /** `true` makes the source confidential from now on (there is no way back: its pseudonym is in the log). */
    confidential: z.literal(true).optional(),
    /** A confidential source's contact notes; `null` clears them. */
    contactNotes: ContactNotes.nullable().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'give at least one of name, kind, affiliation, originGroup, confidential, contactNotes',
  });
export type UpdateSourceRequest = z.infer<typeof UpdateSourceRequest>;

/** `POST /sources/:id/erasure`: destroys the source's data key. */
export const EraseSourceRequest = z.strictObject({ reason: Reason });
export type EraseSourceRequest = z.infer<typeof EraseSourceRequest>;

export const RegradeSourceRequest = z.strictObject({ reliability: SourceReliability, reason: Reason });
export type RegradeSourceRequest = z.infer<typeof RegradeSourceRequest>;

export const SourceGradingSchema = z.object({
  reliability: SourceReliability,
  previousReliability: SourceReliability.optional(),
  reason: z.string().optional(),
  gradedBy: ActorId,
  gradedAt: z.string(),
});

/** A claim the source reported on (or was relayed on), as it stands now. */
export const SourceClaimSchema = z.object({
  claimId: z.string(),
  statement: z.string(),
  status: PublishedStatus,
  computedStatus: ClaimStatus,
  confidence: z.number(),
  band: Icd203Band,
  credibilityRating: CredibilityRating,
  reports: z.array(
    z.object({
      reportId: z.string(),
      stance: ReportStance,
      active: z.boolean(),
      /** The source's own report (`reported`) or another source's report relaying it (`relayed`). */
      role: z.enum(['reported', 'relayed']),
    }),
  ),
});

export const SourceResponse = z.object({
  id: z.string(),
  /** The source stream's version: send it back as `If-Match`. */
  version: z.number().int(),
  /**
   * For a confidential source: its real name for keys with `sources:confidential:read` (`[erased]` once its
   * data key is destroyed), its pseudonym for everyone else.
   */
  name: z.string(),
  /** `null` for an ordinary source. */
  confidential: z
    .object({
      number: z.number().int(),
      pseudonym: z.string(),
      /** `shown`: this answer holds the decrypted identity (the read is in the access log). */
      identity: z.enum(['shown', 'withheld', 'erased']),
    })
    .nullable(),
  /** A confidential source's contact notes, for keys that may read them; else `null`. */
  contactNotes: z.string().nullable(),
  kind: SourceKind,
  affiliation: z.string().nullable(),
  originGroup: z.string().nullable(),
  reliability: SourceReliability,
  /** Oldest first; the first entry is the grade given at registration. */
  gradeHistory: z.array(SourceGradingSchema),
  registeredAt: z.string(),
  updatedAt: z.string(),
  /** Claims the source reported on, most recently asserted first. */
  claims: z.array(SourceClaimSchema),
});
export type SourceResponse = z.infer<typeof SourceResponse>;
