import { Logger } from '@nestjs/common';
import { isApiKeyUsable, type ApiKeyState } from '@claims/domain';
import type { ApiKeyRole } from '@claims/contracts';
import { parseApiKey, secretMatches } from './api-key-secret';
import type { ApiKeyRecord } from './api-key.projection';
import type { ApiKeyRegistry } from './api-key.registry';

/** The authenticated caller, as events record it. */
export interface AuthenticatedKey {
  id: string;
  name: string;
  role: ApiKeyRole;
}

export type AuthenticationResult = { ok: true; key: AuthenticatedKey } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' };

const TOUCH_INTERVAL_MS = 60_000;
const MAX_CACHED = 10_000;
// Compared against when the key id is unknown, so an unknown id costs the same as a wrong secret.
const DUMMY_HASH = '0'.repeat(64);

const stateOf = (record: ApiKeyRecord): ApiKeyState => ({
  status: record.revokedAt ? 'revoked' : 'active',
  keyId: record.keyId,
  name: record.name,
  role: record.role,
  prefix: record.prefix,
  secretHash: record.secretHash,
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  ...(record.expiresAt ? { expiresAt: record.expiresAt.toISOString() } : {}),
});

/**
 * Checks a presented key against `api_keys`. Rows are cached for `cacheTtlMs` (default 5 s): a revocation
 * through this process's API takes effect at once (`forget`), one made elsewhere (command line, another
 * instance) within the TTL. Expiry is checked on every request, against the request's clock.
 */
export class ApiKeyAuthenticator {
  private readonly logger = new Logger('ApiKeyAuthenticator');
  private readonly cache = new Map<string, { record: ApiKeyRecord | undefined; loadedAt: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly registry: ApiKeyRegistry,
    private readonly cacheTtlMs = 5_000,
  ) {}

  async authenticate(secret: string, now: Date): Promise<AuthenticationResult> {
    const parsed = parseApiKey(secret);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const record = await this.load(parsed.keyId);
    const matches = secretMatches(secret, record?.secretHash ?? DUMMY_HASH);
    if (!record || !matches) return { ok: false, reason: 'unknown' };
    const state = stateOf(record);
    if (!isApiKeyUsable(state, now.toISOString())) return { ok: false, reason: state.status === 'revoked' ? 'revoked' : 'expired' };
    this.touch(record.keyId, now);
    return { ok: true, key: { id: record.keyId, name: record.name, role: record.role } };
  }

  /** Drops a cached key, after this process changed it. */
  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  private async load(keyId: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.cache.get(keyId);
    if (cached && performance.now() - cached.loadedAt < this.cacheTtlMs) return cached.record;
    const record = await this.registry.find(keyId);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(keyId, { record, loadedAt: performance.now() });
    return record;
  }

  private touch(keyId: string, now: Date): void {
    const last = this.touched.get(keyId);
    if (last !== undefined && performance.now() - last < TOUCH_INTERVAL_MS) return;
    if (this.touched.size >= MAX_CACHED) this.touched.clear();
    this.touched.set(keyId, performance.now());
    this.registry.touch(keyId, now).catch((error: unknown) => this.logger.warn(`could not record the last use of key ${keyId}: ${error instanceof Error ? error.message : String(error)}`));
  }
}
