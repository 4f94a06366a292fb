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
