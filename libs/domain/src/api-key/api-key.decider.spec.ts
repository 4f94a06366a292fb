import { readApiKeyEvent, type ApiKeyEvent } from '@claims/contracts';
import { deciderSpecification } from '../testing/decider-specification';
import { foldEvents } from '../shared/decider';
import { apiKeyDecider, isApiKeyUsable } from './api-key.decider';
import { ApiKeyAlreadyIssued, ApiKeyAlreadyRevoked, ApiKeyExpiryInPast, ApiKeyNotFound } from './api-key.errors';
import { type Permission, ROLE_PERMISSIONS, roleHasPermission } from './api-key.permissions';

const given = deciderSpecification(apiKeyDecider);
const keyId = '0b6f7c1e-6a7d-4c5e-9f10-2a3b4c5d6e7f';
const admin = { now: '2025-01-10T09:00:00Z', actor: 'key-admin' };
const later = { now: '2025-02-10T09:00:00Z', actor: 'key-admin' };

const issue = {
  type: 'IssueApiKey' as const,
  data: { keyId, name: 'Amina (editor desk)', role: 'editor' as const, prefix: 'clk_0b6f7c1e', expiresAt: '2026-01-01T00:00:00Z' },
  metadata: admin,
};
const issued: ApiKeyEvent = { type: 'ApiKeyIssued', data: { ...issue.data, recordedAt: admin.now, recordedBy: admin.actor } };
const revoked: ApiKeyEvent = { type: 'ApiKeyRevoked', data: { keyId, reason: 'laptop lost', recordedAt: later.now, recordedBy: later.actor } };

describe('API key decider', () => {
  describe('IssueApiKey', () => {
    it('issues a key with its prefix, never a secret nor its hash', () => given([]).when(issue).then([issued]));
    it('treats an identical retry as a no-op', () => given([issued]).when(issue).thenNothingHappens());
    it('refuses the same id with another name or role', () =>
      given([issued]).when({ ...issue, data: { ...issue.data, role: 'admin' } }).thenThrows(ApiKeyAlreadyIssued, { kind: 'conflict' }));
    it('folds a v1 ApiKeyIssued, read through its upcaster, to the same state as a v2 one', () => {
      const v1 = readApiKeyEvent({ type: 'ApiKeyIssued', schemaVersion: 1, data: { ...issued.data, secretHash: 'a'.repeat(64) } });
      expect(foldEvents(apiKeyDecider, [v1])).toEqual(foldEvents(apiKeyDecider, [issued]));
      expect(JSON.stringify(v1)).not.toContain('secretHash');
    });
    it('refuses a key that would be born expired', () =>
      given([]).when({ ...issue, data: { ...issue.data, expiresAt: '2025-01-10T08:59:59Z' } }).thenThrows(ApiKeyExpiryInPast, { field: 'expiresAt' }));
  });

  describe('RevokeApiKey', () => {
    const revoke = { type: 'RevokeApiKey' as const, data: { keyId, reason: 'laptop lost' }, metadata: later };
    it('revokes an active key', () => given([issued]).when(revoke).then([revoked]));
    it('is a no-op on a revoked key: the first revocation stands', () => given([issued, revoked]).when(revoke).thenNothingHappens());
    it('refuses an unknown key', () => given([]).when(revoke).thenThrows(ApiKeyNotFound, { code: 'API_KEY_NOT_FOUND' }));
  });

  describe('ChangeApiKeyExpiry', () => {
    const change = (expiresAt: string | null) => ({ type: 'ChangeApiKeyExpiry' as const, data: { keyId, expiresAt }, metadata: later });
    it('records the previous and new expiry', () =>
      given([issued])
        .when(change('2025-06-01T00:00:00Z'))
        .then([
          {
            type: 'ApiKeyExpiryChanged',
            data: { keyId, previousExpiresAt: '2026-01-01T00:00:00Z', expiresAt: '2025-06-01T00:00:00Z', recordedAt: later.now, recordedBy: later.actor },
          },
        ]));
    it('removes the expiry with null', () => {
      const events = apiKeyDecider.decide(change(null), foldEvents(apiKeyDecider, [issued]));
      expect(foldEvents(apiKeyDecider, [issued, ...events])).not.toHaveProperty('expiresAt');
    });
    it('is a no-op when unchanged', () => given([issued]).when(change('2026-01-01T00:00:00Z')).thenNothingHappens());
    it('refuses a past expiry', () => given([issued]).when(change('2025-02-01T00:00:00Z')).thenThrows(ApiKeyExpiryInPast));
    it('refuses a revoked key', () => given([issued, revoked]).when(change(null)).thenThrows(ApiKeyAlreadyRevoked, { kind: 'conflict' }));
  });

  it('a key is usable while active and before its expiry', () => {
    const state = foldEvents(apiKeyDecider, [issued]);
    expect(isApiKeyUsable(state, '2025-12-31T23:59:59Z')).toBe(true);
    expect(isApiKeyUsable(state, '2026-01-01T00:00:00Z')).toBe(false);
    expect(isApiKeyUsable(foldEvents(apiKeyDecider, [issued, revoked]), '2025-03-01T00:00:00Z')).toBe(false);
  });
});

describe('role permissions', () => {
  it('an editor has every analyst right, an analyst every reader right', () => {
    for (const permission of ROLE_PERMISSIONS.reader) expect(roleHasPermission('analyst', permission)).toBe(true);
    for (const permission of ROLE_PERMISSIONS.analyst) expect(roleHasPermission('editor', permission)).toBe(true);
  });
  it('only editors issue verdicts, merge and re-grade; only admins manage keys', () => {
    const holders = (permission: Permission) => Object.entries(ROLE_PERMISSIONS).filter(([, granted]) => granted.includes(permission)).map(([role]) => role);
    expect(holders('claims:verdict')).toEqual(['editor']);
    expect(holders('claims:merge')).toEqual(['editor']);
    expect(holders('sources:regrade')).toEqual(['editor']);
    expect(holders('keys:manage')).toEqual(['admin']);
    expect(holders('webhooks:manage')).toEqual(['admin']);
    // Every claim reader may follow status changes (the console's live view); the desk and auditors read history.
    expect(holders('feed:read').sort()).toEqual(['analyst', 'auditor', 'editor', 'feed', 'protector', 'reader']);
    expect(holders('history:read').sort()).toEqual(['analyst', 'auditor', 'editor']);
    // The desk: everyone who reads claims sees the work; analysts and editors do it; editors close reviews.
    expect(holders('work:read').sort()).toEqual(['analyst', 'auditor', 'editor', 'protector', 'reader']);
    for (const permission of ['work:assign', 'work:progress', 'work:tasks', 'work:comment'] as const) expect(holders(permission).sort()).toEqual(['analyst', 'editor']);
    expect(holders('work:review')).toEqual(['editor']);
    // Confidential sources: editors and protectors read the identity; only protectors erase it and review the reads.
    expect(holders('sources:confidential:read').sort()).toEqual(['editor', 'protector']);
    expect(holders('sources:erase')).toEqual(['protector']);
    expect(holders('protection:access-log:read')).toEqual(['protector']);
  });
});
