import { z } from 'zod';
import { defineEvent } from './event-envelope';
import { createEventReader, type EventUpcasters } from './event-versioning';
import { ActorId, Identifier, Name, Reason, Timestamp } from './primitives.schema';

/**
 * Who may do what. `admin` manages keys and nothing else: granting rights and using them are kept apart,
 * so every editorial act is attributable to a key issued for that purpose.
 */
export const ApiKeyRole = z.enum(['admin', 'editor', 'analyst', 'auditor', 'reader', 'feed']);
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

/** Lowercase hex SHA-256 of the whole secret key; the secret itself is never stored. */
export const ApiKeySecretHash = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256 digest');

/** The non-secret start of a key, shown in listings so people can tell their keys apart (`clk_1a2b3c4d`). */
export const ApiKeyPrefix = z.string().regex(/^clk_[0-9a-f]{8}$/, 'clk_ and 8 hex digits');

const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

export const ApiKeyIssuedData = z.strictObject({
  keyId: Identifier,
  name: Name,
  role: ApiKeyRole,
  prefix: ApiKeyPrefix,
  secretHash: ApiKeySecretHash,
  /** Absent: the key does not expire. */
  expiresAt: Timestamp.optional(),
  ...recorded,
});

export const ApiKeyRevokedData = z.strictObject({
  keyId: Identifier,
  reason: Reason.optional(),
  ...recorded,
});

/** `expiresAt: null` removes the expiry. */
export const ApiKeyExpiryChangedData = z.strictObject({
  keyId: Identifier,
  previousExpiresAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  ...recorded,
});

export const ApiKeyIssued = defineEvent('ApiKeyIssued', ApiKeyIssuedData);
export const ApiKeyRevoked = defineEvent('ApiKeyRevoked', ApiKeyRevokedData);
export const ApiKeyExpiryChanged = defineEvent('ApiKeyExpiryChanged', ApiKeyExpiryChangedData);

/** Any event of an API key stream (`api-key-<uuid>`), discriminated by `type`. */
export const ApiKeyEvent = z.discriminatedUnion('type', [ApiKeyIssued, ApiKeyRevoked, ApiKeyExpiryChanged]);

export type ApiKeyIssued = z.infer<typeof ApiKeyIssued>;
export type ApiKeyRevoked = z.infer<typeof ApiKeyRevoked>;
export type ApiKeyExpiryChanged = z.infer<typeof ApiKeyExpiryChanged>;
export type ApiKeyEvent = z.infer<typeof ApiKeyEvent>;
export type ApiKeyEventType = ApiKeyEvent['type'];

/** No upcasters yet: every API key event is at v1. */
export const apiKeyEventUpcasters: EventUpcasters<ApiKeyEventType> = {};

/** Validates (and upcasts) an API key event read back from the store. */
export const readApiKeyEvent = createEventReader<ApiKeyEventType, ApiKeyEvent>(ApiKeyEvent, apiKeyEventUpcasters);
