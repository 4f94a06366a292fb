import type { Pool } from 'pg';
import type { ApiKeyRole } from '@claims/contracts';
import { PgEventStore } from '@claims/event-store';
import { apiKeyFromSecret, generateApiKey } from '../../apps/api/src/auth/api-key-secret';
import { ApiKeyRegistry } from '../../apps/api/src/auth/api-key.registry';

export interface TestApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The whole key. */
  secret: string;
  /** `{ Authorization: 'Bearer <key>' }`, for supertest's `.set()` or fetch's `headers`. */
  header: { Authorization: string };
}

/** Recorded as the author of keys the tests create. */
export const TEST_KEY_ISSUER = { id: 'test-setup', name: 'test setup' };

/**
 * A key with a known secret, the same in every run: `clk_<32 hex>_<43 base64url>`, its id the UUID
 * `00000000-0000-4000-8000-0000<idHex, 8 digits>`.
 */
export const fixedApiKeySecret = (idHex: string, fill: string): string => `clk_000000000000400080000000${idHex.padStart(8, '0')}_${fill.repeat(43).slice(0, 43)}`;

/**
 * Issues an API key straight into the database (the same decider and projection as `/admin/api-keys`),
 * for tests that call routes needing a role: `const feed = await createTestApiKey(db.pool, 'feed')`, then
 * `.set(feed.header)`. `now` is when it is issued (default: real time); `expiresAt` must be after it.
 */
export const createTestApiKey = async (
  pool: Pool,
  role: ApiKeyRole,
  options: { name?: string; expiresAt?: string; now?: Date; secret?: string } = {},
): Promise<TestApiKey> => {
  const store = new PgEventStore({ pool });
  try {
    const generated = options.secret ? apiKeyFromSecret(options.secret) : generateApiKey();
    const name = options.name ?? `test ${role}`;
    const { record, secret } = await new ApiKeyRegistry(pool, store).issue(
      { name, role, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}) },
      { now: options.now ?? new Date(), metadata: { actor: TEST_KEY_ISSUER } },
      generated,
    );
    return { id: record.keyId, name: record.name, role: record.role, secret, header: { Authorization: `Bearer ${secret}` } };
  } finally {
    await store.close();
  }
};

/** Revokes a key straight in the database (an API process may serve it for its cache TTL still). */
export const revokeTestApiKey = async (pool: Pool, keyId: string, now = new Date()): Promise<void> => {
  const store = new PgEventStore({ pool });
  try {
    await new ApiKeyRegistry(pool, store).revoke(keyId, 'test', { now, metadata: { actor: TEST_KEY_ISSUER } });
  } finally {
    await store.close();
  }
};
