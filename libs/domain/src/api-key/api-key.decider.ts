import type { ApiKeyEvent, ApiKeyRole } from '@claims/contracts';
import { assertNever, type Decider } from '../shared/decider';
import type { ApiKeyCommand, ChangeApiKeyExpiry, IssueApiKey, RevokeApiKey } from './api-key.commands';
import { ApiKeyAlreadyIssued, ApiKeyAlreadyRevoked, ApiKeyExpiryInPast, ApiKeyNotFound } from './api-key.errors';

export interface IssuedApiKey {
  status: 'active' | 'revoked';
  keyId: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  revokedAt?: string;
  revokedBy?: string;
  revocationReason?: string;
}

export type ApiKeyState = { status: 'none' } | IssuedApiKey;

export const initialApiKeyState = (): ApiKeyState => ({ status: 'none' });

export const evolveApiKey = (state: ApiKeyState, event: ApiKeyEvent): ApiKeyState => {
  switch (event.type) {
    case 'ApiKeyIssued': {
      const { recordedAt, recordedBy, expiresAt, ...details } = event.data;
      return { status: 'active', ...details, createdAt: recordedAt, createdBy: recordedBy, ...(expiresAt ? { expiresAt } : {}) };
    }
    case 'ApiKeyRevoked': {
      if (state.status === 'none') return state;
      const { recordedAt, recordedBy, reason } = event.data;
      return { ...state, status: 'revoked', revokedAt: recordedAt, revokedBy: recordedBy, ...(reason ? { revocationReason: reason } : {}) };
    }
    case 'ApiKeyExpiryChanged': {
      if (state.status === 'none') return state;
      const { expiresAt: _previous, ...rest } = state;
      return event.data.expiresAt === null ? rest : { ...rest, expiresAt: event.data.expiresAt };
    }
    default:
      return assertNever(event);
  }
};

const isAfter = (instant: string, now: string): boolean => Date.parse(instant) > Date.parse(now);

const issue = ({ data, metadata }: IssueApiKey, state: ApiKeyState): ApiKeyEvent[] => {
  if (state.status !== 'none') {
    // The secret's hash is not in the stream: the caller compares it (a retry carries the same one).
    const same = state.name === data.name && state.role === data.role && state.prefix === data.prefix && state.expiresAt === data.expiresAt;
    if (same) return [];
    throw new ApiKeyAlreadyIssued(data.keyId);
  }
  if (data.expiresAt !== undefined && !isAfter(data.expiresAt, metadata.now)) throw new ApiKeyExpiryInPast(data.expiresAt);
  return [{ type: 'ApiKeyIssued', data: { ...data, recordedAt: metadata.now, recordedBy: metadata.actor } }];
};

const revoke = ({ data, metadata }: RevokeApiKey, state: ApiKeyState): ApiKeyEvent[] => {
  if (state.status === 'none') throw new ApiKeyNotFound(data.keyId);
  // Revoking twice changes nothing: the first revocation stands, with its time and author.
  if (state.status === 'revoked') return [];
  return [{ type: 'ApiKeyRevoked', data: { keyId: data.keyId, ...(data.reason ? { reason: data.reason } : {}), recordedAt: metadata.now, recordedBy: metadata.actor } }];
};

const changeExpiry = ({ data, metadata }: ChangeApiKeyExpiry, state: ApiKeyState): ApiKeyEvent[] => {
  if (state.status === 'none') throw new ApiKeyNotFound(data.keyId);
  if (state.status === 'revoked') throw new ApiKeyAlreadyRevoked(data.keyId);
  if ((state.expiresAt ?? null) === data.expiresAt) return [];
  if (data.expiresAt !== null && !isAfter(data.expiresAt, metadata.now)) throw new ApiKeyExpiryInPast(data.expiresAt);
  return [
    {
      type: 'ApiKeyExpiryChanged',
      data: { keyId: data.keyId, previousExpiresAt: state.expiresAt ?? null, expiresAt: data.expiresAt, recordedAt: metadata.now, recordedBy: metadata.actor },
    },
  ];
};

export const decideApiKey = (command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] => {
  switch (command.type) {
    case 'IssueApiKey':
      return issue(command, state);
    case 'RevokeApiKey':
      return revoke(command, state);
    case 'ChangeApiKeyExpiry':
      return changeExpiry(command, state);
    default:
      return assertNever(command);
  }
};

/** Whether a key may be used at `now`: issued, not revoked, not past its expiry. */
export const isApiKeyUsable = (state: ApiKeyState, now: string): boolean =>
  state.status === 'active' && (state.expiresAt === undefined || isAfter(state.expiresAt, now));

/** API key stream decider: one stream per key, `api-key-<uuid>`. */
export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
};
