import type { ExpectedVersion } from './event-store.types';

/** The stream was not at the version the writer expected: someone else appended first. */
export class WrongExpectedVersion extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    /** The stream's version when the append was refused (0: no stream). */
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expectedVersion)}, actual ${actualVersion}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** An event id was already used for different content, or a retried append only partly matches what is stored. */
export class EventIdConflict extends Error {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event id ${eventId} is already stored with different content (append to ${streamId})`);
    this.name = 'EventIdConflict';
  }
}

/** Events given to append are not well formed (no events, bad id, data not an object). Nothing is written. */
export class InvalidAppend extends Error {
  readonly code = 'INVALID_APPEND';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppend';
  }
}

const UNIQUE_VIOLATION = '23505';

/** PostgreSQL refused a row for a unique index (`constraint` names it): a taken stream version or event id. */
export const isUniqueViolation = (error: unknown): error is Error & { code: string; constraint?: string } =>
  error instanceof Error && (error as { code?: string }).code === UNIQUE_VIOLATION;

const LOCK_NOT_AVAILABLE = '55P03';

/** A statement gave up waiting for a lock (`lock_timeout`): it wrote nothing. */
export const isLockNotAvailable = (error: unknown): boolean => error instanceof Error && (error as { code?: string }).code === LOCK_NOT_AVAILABLE;
