/** Which check refused the input: the first word an auditor needs to know where to look. */
export type FailedCheck = 'note' | 'checkpoint' | 'export' | 'chain' | 'inclusion' | 'consistency';

/** A check that did not hold. The message is the one line the verifier prints after `FAILED: `. */
export class VerificationFailed extends Error {
  readonly check: FailedCheck;

  constructor(check: FailedCheck, message: string) {
    super(message);
    this.name = 'VerificationFailed';
    this.check = check;
  }
}

/** Input the verifier cannot work with (a missing proof, an unreadable file): exit code 2, nothing was checked. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
