/** How the API should answer: validation 422, not_found 404, conflict 409, forbidden 403. */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden';

/**
 * Base of every rule violation raised by a decider. `code` is stable (clients and dashboards key on it),
 * `field` names the offending input (a dotted path into the request body) so the API can point at it in
 * an RFC 9457 problem document, and `details` carries the facts a client needs to recover.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    readonly field?: string,
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
