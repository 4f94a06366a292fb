import { DomainError } from '../shared/domain-error';

export class WebhookNotFound extends DomainError {
  readonly code = 'WEBHOOK_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(webhookId: string) {
    super(`webhook ${webhookId} does not exist`, 'webhookId', { webhookId });
  }
}

/** The same id registered twice with different details (an identical retry is a no-op). */
export class WebhookAlreadyRegistered extends DomainError {
  readonly code = 'WEBHOOK_ALREADY_REGISTERED';
  readonly kind = 'conflict';
  constructor(webhookId: string) {
    super(`webhook ${webhookId} was already registered with different details`, 'webhookId', { webhookId });
  }
}

/** A deleted endpoint stays deleted: it can be neither changed nor given a new secret. */
export class WebhookIsDeleted extends DomainError {
  readonly code = 'WEBHOOK_DELETED';
  readonly kind = 'conflict';
  constructor(webhookId: string) {
    super(`webhook ${webhookId} is deleted`, 'webhookId', { webhookId });
  }
}
