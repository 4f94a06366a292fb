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
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  ...(record.expiresAt ? { expiresAt: record.expiresAt.toISOString() } : {}),
});

/**
 * Checks a presented key against `api_keys`. Rows are cached for `cacheTtlMs` (default 5 s): a revocation
 * through this process's API takes effect at once (`forget`), one made elsewhere (command line, another
 * instance) when its notification arrives (`ApiKeyChangeListener`: about a round trip after the commit),
 * and within the TTL if that notification is lost. Expiry is checked on every request, against the request's clock. An unknown
 * key id is remembered for the TTL too, in a map of its own, so a flood of made-up ids neither reaches the
 * database twice nor evicts the keys in use.
 */
export class ApiKeyAuthenticator {
  private readonly logger = new Logger('ApiKeyAuthenticator');
  private readonly cache = new Map<string, { record: ApiKeyRecord; loadedAt: number }>();
  private readonly unknown = new Map<string, number>();
  private readonly touched = new Map<string, number>();
  private readonly changeListeners = new Set<(keyId: string) => void>();

  constructor(
    private readonly registry: ApiKeyRegistry,
    /** How stale a cached key may be: the longest a change made elsewhere takes to apply here. */
    readonly cacheTtlMs = 5_000,
  ) {}

  async authenticate(secret: string, now: Date): Promise<AuthenticationResult> {
    const parsed = parseApiKey(secret);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const record = await this.load(parsed.keyId);
    const matches = secretMatches(secret, record?.secretHash ?? DUMMY_HASH);
    if (!record || !matches) return { ok: false, reason: 'unknown' };
    const refusal = refusalOf(record, now);
    if (refusal) return { ok: false, reason: refusal };
    this.touch(record.keyId, now);
    return { ok: true, key: { id: record.keyId, name: record.name, role: record.role } };
  }

  /**
   * Whether an authenticated key is still usable at `now` (not revoked, not expired), as seen through the
   * cache: for work that outlives its request, such as an open stream.
   */
  async recheck(keyId: string, now: Date): Promise<{ ok: true } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' }> {
    const record = await this.load(keyId);
    const refusal = record ? refusalOf(record, now) : 'unknown';
    return refusal ? { ok: false, reason: refusal } : { ok: true };
  }

  /** Drops a cached key, after this process changed it, and tells the listeners. */
  forget(keyId: string): void {
    this.cache.delete(keyId);
    this.unknown.delete(keyId);
    for (const listener of [...this.changeListeners]) listener(keyId);
  }

  /**
   * A key's row reached `version` (a change committed anywhere, this process included). Drops and announces
   * it unless the cache holds that version already (this process made the change and reloaded it), so each
   * change is announced once here.
   */
  changedElsewhere(keyId: string, version: number): void {
    const cached = this.cache.get(keyId);
    if (cached && cached.record.version >= version) return;
    if (!cached && !this.unknown.has(keyId)) return;
    this.forget(keyId);
  }

  /** Drops every cached key (the change notifications were not heard for a while), and rechecks every listener's key. */
  forgetAll(): void {
    const keyIds = [...this.cache.keys()];
    this.cache.clear();
    this.unknown.clear();
    for (const keyId of keyIds) for (const listener of [...this.changeListeners]) listener(keyId);
  }

  /** Calls `listener` with the id of every key changed (here, or anywhere once notified); returns the unsubscribe function. */
  onKeyChanged(listener: (keyId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private async load(keyId: string): Promise<ApiKeyRecord | undefined> {
    const now = performance.now();
    const cached = this.cache.get(keyId);
    if (cached && now - cached.loadedAt < this.cacheTtlMs) return cached.record;
    const unknownSince = this.unknown.get(keyId);
    if (unknownSince !== undefined && now - unknownSince < this.cacheTtlMs) return undefined;
    const record = await this.registry.find(keyId);
    if (record) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(keyId, { record, loadedAt: performance.now() });
      this.unknown.delete(keyId);
    } else {
      if (this.unknown.size >= MAX_CACHED) this.unknown.clear();
      this.unknown.set(keyId, performance.now());
      this.cache.delete(keyId);
    }
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

const refusalOf = (record: ApiKeyRecord, now: Date): 'expired' | 'revoked' | undefined => {
  const state = stateOf(record);
  if (isApiKeyUsable(state, now.toISOString())) return undefined;
  return state.status === 'revoked' ? 'revoked' : 'expired';
};
