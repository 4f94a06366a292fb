import { DomainError } from '../shared/domain-error';

export class SourceNotFound extends DomainError {
  readonly code = 'SOURCE_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(sourceId: string) {
    super(`Source ${sourceId} is not registered`, 'sourceId', { sourceId });
  }
}

/** Registering an id twice with different details; an identical retry is a no-op instead. */
export class SourceAlreadyRegistered extends DomainError {
  readonly code = 'SOURCE_ALREADY_REGISTERED';
  readonly kind = 'conflict';
  constructor(sourceId: string) {
    super(`Source ${sourceId} is already registered with different details`, 'sourceId', { sourceId });
  }
}

/** Erasure destroys a confidential source's data key; an ordinary source has none (its name is in the log in clear). */
export class SourceNotConfidential extends DomainError {
  readonly code = 'SOURCE_NOT_CONFIDENTIAL';
  readonly kind = 'conflict';
  constructor(sourceId: string) {
    super(`Source ${sourceId} is not confidential: there is no data key to erase`, 'sourceId', { sourceId });
  }
}

/** A confidential source's identity cannot be changed after its data key was destroyed. */
export class SourceErasedAlready extends DomainError {
  readonly code = 'SOURCE_ERASED';
  readonly kind = 'conflict';
  constructor(sourceId: string) {
    super(`Source ${sourceId} was erased: its identity can no longer be read or changed`, 'sourceId', { sourceId });
  }
}
