import type { RouteAccess } from '../auth/access.decorators';

/** What every operation of one kind may answer, whatever its handler does. */
export interface OperationClass {
  /** Public routes take no key, so they answer no 401, 403 or 429. */
  access: RouteAccess['kind'];
  /** A write (POST, PUT, PATCH, DELETE): a body (413, 415) and `Idempotency-Key` (409, 422). */
  write: boolean;
}

/**
 * The problem statuses the HTTP edge itself adds to an operation (the guard, the body parser, the
 * idempotency interceptor), beside the ones its handler declares: the one place `/openapi.json` learns them.
 */
export const edgeProblemStatuses = ({ access, write }: OperationClass): number[] => [
  400,
  ...(access === 'public' ? [] : [401, 403, 429]),
  ...(write ? [409, 413, 415, 422] : []),
  500,
  503,
];

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (`VALIDATION_FAILED` naming every field, `INVALID_HEADER`, `MALFORMED_JSON`, `JSON_TOO_DEEP`, `INVALID_TEXT`, `MALFORMED_PATH`, …); nothing was written',
  401: 'No valid API key: `AUTHENTICATION_REQUIRED`, `INVALID_API_KEY` (unknown, wrong, expired or revoked) or `KEY_IN_QUERY_NOT_ACCEPTED`',
  403: "The key's role lacks the route's permission (`PERMISSION_DENIED`)",
  404: 'Unknown id',
  409:
    'A conflicting write (e.g. `CONCURRENT_MODIFICATION`), or `IDEMPOTENCY_KEY_IN_PROGRESS`: a request with the same `Idempotency-Key` is still being processed; retry after `Retry-After`',
  412: '`STALE_VERSION`: the resource changed since the `If-Match` version',
  413: '`PAYLOAD_TOO_LARGE`: the body is over 256 kB',
  415: 'The body is not JSON in UTF-8: `UNSUPPORTED_MEDIA_TYPE` (another `Content-Type`) `UNSUPPORTED_CHARSET` (another charset) or `UNSUPPORTED_CONTENT_ENCODING` (not identity, gzip, deflate or br)',
  422: 'A rule of the domain refused the command, or `IDEMPOTENCY_KEY_REUSED`: the `Idempotency-Key` was used for a different request',
  429: "Too many requests, retry after `Retry-After`: `RATE_LIMITED` (the key's rate) or `TOO_MANY_FAILED_AUTHENTICATIONS` (this address sent invalid keys)",
  500: 'Something went wrong on our side; `requestId` identifies it in the logs',
  503: '`DATABASE_UNAVAILABLE`: the database cannot be reached right now (a restart, a failover); nothing is lost, retry after `Retry-After` (a write with the same `Idempotency-Key`)',
};

const RESPONSE_HEADERS: Record<number, Record<string, unknown>> = {
  401: { 'WWW-Authenticate': { description: 'The Bearer challenge', schema: { type: 'string' } } },
  409: { 'Retry-After': { description: 'Seconds to wait before retrying (`IDEMPOTENCY_KEY_IN_PROGRESS`)', schema: { type: 'integer', minimum: 1 } } },
  429: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } },
  503: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } },
};

/** The problem+json response of one status, with what it means and the headers it carries. */
export const problemResponse = (status: number): Record<string, unknown> => ({
  description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
  ...(RESPONSE_HEADERS[status] ? { headers: RESPONSE_HEADERS[status] } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});
