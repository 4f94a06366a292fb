import { z } from 'zod';
import { defineEvent } from './event-envelope';
import { createEventReader, type EventUpcasters } from './event-versioning';
import { ActorId, Identifier, Name, Reason, Timestamp } from './primitives.schema';

/**
 * Who may do what. `admin` manages keys and nothing else: granting rights and using them are kept apart,
 * so every editorial act is attributable to a key issued for that purpose.
 */
export const ApiKeyRole = z.enum(['admin', 'editor', 'analyst', 'auditor', 'reader', 'feed', 'protector']);
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

/** The non-secret start of a key, shown in listings so people can tell their keys apart (`clk_1a2b3c4d`). */
export const ApiKeyPrefix = z.string().regex(/^clk_[0-9a-f]{8}$/, 'clk_ and 8 hex digits');

const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

/**
 * v2. The hash of the key's secret is not part of the event: the log is exported and can never forget,
 * so the hash is kept beside it (`api_key_secrets`, written in the same transaction). v1 carried it as
 * `secretHash`; reading a v1 event drops it.
 */
export const ApiKeyIssuedData = z.strictObject({
  keyId: Identifier,
  name: Name,
  role: ApiKeyRole,
  prefix: ApiKeyPrefix,
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

/** The schema version each API key event is written at now. */
export const API_KEY_EVENT_SCHEMA_VERSIONS: Readonly<Record<ApiKeyEventType, number>> = { ApiKeyIssued: 2, ApiKeyRevoked: 1, ApiKeyExpiryChanged: 1 };

/** Whether stored event data holds a key's secret hash: an `ApiKeyIssued` v1 written before v2 existed. */
export const holdsApiKeySecretHash = (stored: { type: string; data: unknown }): boolean =>
  stored.type === 'ApiKeyIssued' && typeof stored.data === 'object' && stored.data !== null && 'secretHash' in stored.data;

const withoutSecretHash = (data: unknown): unknown => {
  if (typeof data !== 'object' || data === null) return data;
  const { secretHash: _hash, ...rest } = data as Record<string, unknown>;
  return rest;
};

export const apiKeyEventUpcasters: EventUpcasters<ApiKeyEventType> = { ApiKeyIssued: { 1: withoutSecretHash } };

/** Validates (and upcasts) an API key event read back from the store. */
export const readApiKeyEvent = createEventReader<ApiKeyEventType, ApiKeyEvent>(ApiKeyEvent, apiKeyEventUpcasters, API_KEY_EVENT_SCHEMA_VERSIONS);
