import { z } from 'zod';

/**
 * Ids the server generated; anything else cannot name a resource, so it is refused as a bad request.
 * UUIDs are case-insensitive (RFC 9562) but stored in lowercase: the id is lower-cased here, at the edge,
 * so `A0EE…` in a path, a query or a body names the same resource as `a0ee…`.
 */
export const ResourceId = z.uuid().toLowerCase();

/** The body of an action that takes none: absent or `{}`; any field is refused, like every other body. */
export const NoRequestBody = z.strictObject({}).optional();
export type NoRequestBody = z.infer<typeof NoRequestBody>;

export const ClaimIdParams = z.strictObject({ claimId: ResourceId });
export type ClaimIdParams = z.infer<typeof ClaimIdParams>;

export const SourceIdParams = z.strictObject({ sourceId: ResourceId });
export type SourceIdParams = z.infer<typeof SourceIdParams>;

export const ReportIdParams = z.strictObject({ claimId: ResourceId, reportId: ResourceId });
export type ReportIdParams = z.infer<typeof ReportIdParams>;

export const EvidenceIdParams = z.strictObject({ claimId: ResourceId, evidenceId: ResourceId });
export type EvidenceIdParams = z.infer<typeof EvidenceIdParams>;
