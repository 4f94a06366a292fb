import { DomainError } from '../shared/domain-error';

export class ApiKeyNotFound extends DomainError {
  readonly code = 'API_KEY_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(keyId: string) {
    super(`API key ${keyId} does not exist`, 'keyId', { keyId });
  }
}

/** The same key id issued twice with different details (an identical retry is a no-op). */
export class ApiKeyAlreadyIssued extends DomainError {
  readonly code = 'API_KEY_ALREADY_ISSUED';
  readonly kind = 'conflict';
  constructor(keyId: string) {
    super(`API key ${keyId} was already issued with different details`, 'keyId', { keyId });
  }
}

/** A revoked key stays revoked: its expiry can no longer change. */
export class ApiKeyAlreadyRevoked extends DomainError {
  readonly code = 'API_KEY_REVOKED';
  readonly kind = 'conflict';
  constructor(keyId: string) {
    super(`API key ${keyId} is revoked`, 'keyId', { keyId });
  }
}

/** A key issued already expired, or an expiry moved into the past, is a mistake, not a revocation. */
export class ApiKeyExpiryInPast extends DomainError {
  readonly code = 'API_KEY_EXPIRY_IN_PAST';
  readonly kind = 'validation';
  constructor(expiresAt: string) {
    super(`expiresAt ${expiresAt} is not in the future`, 'expiresAt', { expiresAt });
  }
}
