import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** `clk_<key id, 32 hex>_<32 random bytes, base64url>`: the id makes lookup a primary-key read. */
const KEY_FORMAT = /^clk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A key as it is handed out once: the secret, and what is stored of it. */
export interface GeneratedApiKey {
  keyId: string;
  /** The whole key, for `Authorization: Bearer <secret>`. Never stored, never logged. */
  secret: string;
  /** Lowercase hex SHA-256 of `secret`. */
  secretHash: string;
  /** Non-secret start of the key, for listings. */
  prefix: string;
}

const toUuid = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * SHA-256, not a slow password hash: the secret is 256 random bits, so there is nothing to guess from
 * the hash and a slow KDF would only add latency to every request.
 */
export const hashApiKeySecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Reads a presented key; undefined when it is not one this service could have issued. */
export const parseApiKey = (secret: string): { keyId: string } | undefined => {
  const match = KEY_FORMAT.exec(secret);
  return match ? { keyId: toUuid(match[1]) } : undefined;
};

/** What is stored of an existing secret (tests seed keys with known secrets through this). */
export const apiKeyFromSecret = (secret: string): GeneratedApiKey => {
  const parsed = parseApiKey(secret);
  if (!parsed) throw new Error('not an API key of the form clk_<32 hex>_<43 base64url>');
  return { keyId: parsed.keyId, secret, secretHash: hashApiKeySecret(secret), prefix: secret.slice(0, 12) };
};

/** A new key with a fresh id and 32 bytes from the operating system's CSPRNG. */
export const generateApiKey = (): GeneratedApiKey => {
  const keyId = randomUUID();
  return apiKeyFromSecret(`clk_${keyId.replace(/-/g, '')}_${randomBytes(32).toString('base64url')}`);
};

/** Compares a presented key with a stored hash in constant time. */
export const secretMatches = (secret: string, storedHash: string): boolean => {
  const presented = Buffer.from(hashApiKeySecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
};
