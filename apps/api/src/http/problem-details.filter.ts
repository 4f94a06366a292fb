import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ProblemDetails } from '@claims/contracts';
import { DomainError } from '@claims/domain';
import { EventIdConflict, InvalidAppend, WrongExpectedVersion } from '@claims/event-store';
import { databaseFailureOf } from './database-failure';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemType } from './problem';

const STATUS_BY_KIND = { validation: 422, not_found: 404, conflict: 409, forbidden: 403 } as const;

const TITLE_BY_STATUS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/**
 * The one place errors become HTTP answers: RFC 9457 problem+json naming the code and the offending
 * field. Internals (stack traces, SQL) never reach the body; unexpected errors are logged with the request id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(error, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** Also used as the Express error handler, for errors raised before Nest's pipeline (body parsing, headers). */
  send(error: unknown, request: Request, response: Response): void {
    const instance = request.originalUrl?.split('?')[0] ?? request.url;
    const { problem, headers } = this.toProblem(error, request);
    const body: ProblemDetails = { ...problem, instance, ...(request.context ? { requestId: request.context.requestId } : {}) };
    if (body.status >= 500 && body.status !== 503) this.logger.error(`${request.method} ${instance} failed: ${error instanceof Error ? error.stack : String(error)}`);
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(error: unknown, request: Request): { problem: ProblemDetails; headers: Record<string, string> } {
    if (error instanceof HttpProblem) return { problem: error.toProblem(''), headers: error.extra.headers ?? {} };
    if (error instanceof DomainError) {
      const status = STATUS_BY_KIND[error.kind];
      return {
        problem: {
          ...base(status, error.code, error.message),
          ...(error.field ? { field: error.field } : {}),
          ...(Object.keys(error.details).length ? { details: error.details } : {}),
        },
        headers: {},
      };
    }
    if (error instanceof WrongExpectedVersion) {
      // With If-Match the client stated a version: RFC 9110 says 412. Without, two writers raced: 409.
      const precondition = request.context?.ifMatch !== undefined;
      return {
        problem: {
          ...base(precondition ? 412 : 409, precondition ? 'STALE_VERSION' : 'CONCURRENT_MODIFICATION', precondition
            ? `the resource is at version ${error.actualVersion}, not the version given in If-Match`
            : 'the resource was changed by another request; read it again and retry'),
          ...(precondition ? { field: 'header.if-match' } : {}),
          currentVersion: error.actualVersion,
        },
        headers: { ETag: `"${error.actualVersion}"` },
      };
    }
    if (error instanceof EventIdConflict) return { problem: base(409, error.code, error.message), headers: {} };
    if (error instanceof InvalidAppend) return { problem: base(422, error.code, error.message), headers: {} };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { problem: base(status, codeForStatus(status), messageOf(error)), headers: {} };
    }
    const databaseFailure = databaseFailureOf(error);
    if (databaseFailure === 'conflict') {
      return { problem: base(409, 'CONCURRENT_MODIFICATION', 'the request collided with another one; read again and retry'), headers: {} };
    }
    if (databaseFailure === 'unavailable') {
      return { problem: base(503, 'DATABASE_UNAVAILABLE', 'the database cannot be reached right now; retry (with the same Idempotency-Key for a write)'), headers: { 'Retry-After': '1' } };
    }
    const bodyParserError = asBodyParserError(error);
    if (bodyParserError) return { problem: { ...base(bodyParserError.status, bodyParserError.code, bodyParserError.message), field: bodyParserError.field ?? '(body)' }, headers: {} };
    return { problem: base(500, 'INTERNAL_ERROR', 'something went wrong on our side; the request id identifies it in the logs'), headers: {} };
  }
}

const base = (status: number, code: string, detail: string): ProblemDetails => ({
  type: problemType(code),
  title: TITLE_BY_STATUS[status] ?? 'Error',
  status,
  detail,
  code,
});

const codeForStatus = (status: number): string =>
  ({ 404: 'ROUTE_NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED' })[status] ??
  (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');

const messageOf = (error: HttpException): string => {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
};

/** body-parser's errors (malformed JSON, too large, wrong charset) carry `type` and `status`. */
const asBodyParserError = (error: unknown): { status: number; code: string; message: string; field?: string } | undefined => {
  if (!(error instanceof Error)) return undefined;
  const { type, status } = error as Error & { type?: string; status?: number };
  if (!type || !status) return undefined;
  if (type === 'entity.parse.failed') return { status: 400, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' };
  if (type === 'entity.too.large') return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' };
  if (type === 'charset.unsupported') return { status: 415, code: 'UNSUPPORTED_CHARSET', message: 'request bodies must be JSON in UTF-8', field: 'header.content-type' };
  if (type === 'encoding.unsupported') return { status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING', message: 'the Content-Encoding of the body is not supported (identity, gzip, deflate, br)', field: 'header.content-encoding' };
  if (status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message: 'the request body could not be read' };
  return undefined;
};
