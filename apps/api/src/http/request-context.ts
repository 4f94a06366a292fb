import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { context as otelContext, propagation } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Clock } from './clock';
import { HttpProblem } from './problem';

/** Who asks, and the ids that tie the events a request writes to it (stored in every event's metadata). */
export interface RequestContextValue {
  /** The authenticated API key (set by the auth guard); `anonymous` only on public routes, which write nothing. */
  actor: { id: string; name?: string; role?: string };
  requestId: string;
  /** Ties together everything one user action caused, across requests and services. */
  correlationId: string;
  /** What directly caused this request's events: the client's `X-Causation-Id`, else this request. */
  causationId: string;
  /** From `Idempotency-Key`: handlers may derive ids from it so a retried command writes the same events. */
  idempotencyKey?: string;
  /** From `If-Match: "<version>"`: the stream version the client last saw. */
  ifMatch?: number;
  now: Date;
}

declare module 'express' {
  interface Request {
    context?: RequestContextValue;
  }
}

const ID = /^[A-Za-z0-9._:@/-]{1,128}$/;
const ETAG_VERSION = /^(?:W\/)?"(\d{1,15})"$/;

const header = (request: Request, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const optionalId = (request: Request, name: string): string | undefined => {
  const value = header(request, name);
  if (value === undefined) return undefined;
  if (!ID.test(value)) throw new HttpProblem(400, 'INVALID_HEADER', 'A request header is not valid', `${name} must be 1-128 characters of letters, digits and ._:@/-`, { field: `header.${name}` });
  return value;
};

/** Parses `If-Match: "3"` (an ETag this API returned); `*` and absent mean no expectation. */
export const parseIfMatch = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '*') return undefined;
  const match = ETAG_VERSION.exec(value.trim());
  if (!match) throw new HttpProblem(400, 'INVALID_HEADER', 'A request header is not valid', 'If-Match must be an ETag this API returned, e.g. "3"', { field: 'header.if-match' });
  return Number(match[1]);
};

/**
 * Express middleware: builds the request context once per request. The actor is set later by the auth
 * guard from the API key, and from nothing the client says about itself (no actor headers are read).
 */
export const requestContextMiddleware = (clock: Clock) => (request: Request, response: Response, next: NextFunction) => {
  try {
    const requestId = randomUUID();
    response.setHeader('X-Request-Id', requestId);
    request.context = {
      actor: { id: 'anonymous' },
      requestId,
      correlationId: optionalId(request, 'x-correlation-id') ?? requestId,
      causationId: optionalId(request, 'x-causation-id') ?? requestId,
      idempotencyKey: optionalId(request, 'idempotency-key'),
      ifMatch: parseIfMatch(header(request, 'if-match')),
      now: clock.now(),
    };
    response.setHeader('X-Correlation-Id', request.context.correlationId);
    next();
  } catch (error) {
    next(error);
  }
};

/** Injects the request context into a controller method. */
export const RequestContext = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContextValue => {
  const request = context.switchToHttp().getRequest<Request>();
  if (!request.context) throw new Error('request context middleware is not installed (configureHttp)');
  return request.context;
});

/**
 * The metadata every event written for this request carries. With tracing on, also the W3C `traceparent` of
 * the command writing it (docs/observability.md): content of the new event, covered by its hash. With tracing
 * off there is none, so events, their hashes and exports are exactly what they were before tracing existed.
 */
export const eventMetadataOf = (context: RequestContextValue) => {
  const trace: { traceparent?: string } = {};
  propagation.inject(otelContext.active(), trace);
  return {
    actor: context.actor,
    correlationId: context.correlationId,
    causationId: context.causationId,
    requestId: context.requestId,
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
  };
};
