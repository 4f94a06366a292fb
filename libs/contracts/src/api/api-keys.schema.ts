import { z } from 'zod';
import { ApiKeyPrefix, ApiKeyRole } from '../events/api-key-events.schema';
import { Reason, Timestamp } from '../events/primitives.schema';
import { ResourceId } from './common.schema';

export const ApiKeyIdParams = z.strictObject({ keyId: ResourceId });
export type ApiKeyIdParams = z.infer<typeof ApiKeyIdParams>;

/** A label people recognise the key by, e.g. "Amina (editor desk)"; it is recorded as the actor's name. */
export const ApiKeyName = z.string().trim().min(1).max(100);

export const CreateApiKeyRequest = z.strictObject({
  name: ApiKeyName,
  role: ApiKeyRole,
  /** After this instant the key is refused; absent: no expiry. */
  expiresAt: Timestamp.optional(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** The body is optional: `{}` or nothing revokes without a reason. */
export const RevokeApiKeyRequest = z.strictObject({ reason: Reason.optional() }).default({});
export type RevokeApiKeyRequest = z.infer<typeof RevokeApiKeyRequest>;

/** `null` removes the expiry. */
export const ChangeApiKeyExpiryRequest = z.strictObject({ expiresAt: Timestamp.nullable() });
export type ChangeApiKeyExpiryRequest = z.infer<typeof ChangeApiKeyExpiryRequest>;

export const ApiKeyStatus = z.enum(['active', 'expired', 'revoked']);
export type ApiKeyStatus = z.infer<typeof ApiKeyStatus>;

/** A key as listings show it: never the secret, nor its hash. */
export const ApiKeyResponse = z.object({
  id: z.string(),
  name: z.string(),
  role: ApiKeyRole,
  prefix: ApiKeyPrefix,
  status: ApiKeyStatus,
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyResponse = z.infer<typeof ApiKeyResponse>;

/** The answer to a creation: the only time the secret is ever shown. */
export const CreatedApiKeyResponse = ApiKeyResponse.extend({
  secret: z.string().describe('The key, for `Authorization: Bearer <key>`. Shown once: store it now.'),
});
export type CreatedApiKeyResponse = z.infer<typeof CreatedApiKeyResponse>;

export const ApiKeyListResponse = z.object({ items: z.array(ApiKeyResponse) });
export type ApiKeyListResponse = z.infer<typeof ApiKeyListResponse>;
