import type { ApiKeyRole } from '@claims/contracts';
import type { DomainCommand } from '../shared/decider';

/**
 * The secret is generated and hashed outside the domain, and its hash is kept outside the log: the
 * command carries only the non-secret prefix, so the domain stays deterministic and never holds either.
 */
export type IssueApiKey = DomainCommand<'IssueApiKey', { keyId: string; name: string; role: ApiKeyRole; prefix: string; expiresAt?: string }>;

export type RevokeApiKey = DomainCommand<'RevokeApiKey', { keyId: string; reason?: string }>;

/** `expiresAt: null` removes the expiry. */
export type ChangeApiKeyExpiry = DomainCommand<'ChangeApiKeyExpiry', { keyId: string; expiresAt: string | null }>;

export type ApiKeyCommand = IssueApiKey | RevokeApiKey | ChangeApiKeyExpiry;
