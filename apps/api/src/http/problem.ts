import type { FieldError, ProblemDetails } from '@claims/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A URI per error code; stable so clients can switch on it. */
export const problemType = (code: string): string => `urn:claim-ledger:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/** An error the HTTP layer raises itself (bad input, bad headers, key replay misuse). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly extra: { field?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  toProblem(instance: string, requestId?: string): ProblemDetails {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      detail: this.message,
      instance,
      code: this.code,
      ...(this.extra.field ? { field: this.extra.field } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }
}

/** `reports[0].sourceId` from a zod issue path. */
export const formatFieldPath = (path: readonly PropertyKey[], prefix?: string): string => {
  const joined = path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
  return prefix ? (joined ? `${prefix}.${joined}` : prefix) : joined || '(body)';
};
