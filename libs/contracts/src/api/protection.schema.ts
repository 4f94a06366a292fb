import { z } from 'zod';
import { Identifier } from '../events/primitives.schema';

/** `GET /protection/access-log`: who read a confidential source's identity; `source` narrows to one. */
export const AccessLogQuery = z.strictObject({
  source: Identifier.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AccessLogQuery = z.infer<typeof AccessLogQuery>;

export const AccessLogEntry = z.object({
  at: z.string(),
  /** The API key whose answer held the decrypted fields. */
  keyId: z.string(),
  keyName: z.string().nullable(),
  sourceId: z.string(),
  route: z.string(),
});

/** Newest first. */
export const AccessLogResponse = z.object({ entries: z.array(AccessLogEntry) });
export type AccessLogResponse = z.infer<typeof AccessLogResponse>;
