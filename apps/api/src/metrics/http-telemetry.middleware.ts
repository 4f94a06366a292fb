import { context, propagation, ROOT_CONTEXT, type Context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { ClaimLedgerMetrics } from '@claims/platform';

declare module 'express' {
  interface Request {
    /** The request's server span in its context: the telemetry interceptor runs the handler inside it. */
    traceContext?: Context;
  }
}

const tracer = trace.getTracer('claim-ledger');

/** The route template Express matched (`/claims/:claimId`), never the raw URL; undefined when no route matched. */
const routeOf = (request: Request): string | undefined => {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : undefined;
};

/**
 * First middleware of the pipeline: times every request (also those refused before a route runs: a bad
 * body, a missing key) into `http_server_request_duration_seconds`, and opens its server span, continuing
 * an incoming `traceparent`. Made by hand rather than by an instrumentation that patches `http`: it knows
 * the route template, and it costs a timer and a no-op span when tracing is off.
 */
export const httpTelemetry = (metrics: ClaimLedgerMetrics | undefined) => (request: Request, response: Response, next: NextFunction) => {
  const started = process.hrtime.bigint();
  const method = request.method;
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span: Span = tracer.startSpan(`${method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': request.path } }, parent);
  request.traceContext = trace.setSpan(parent, span);
  response.once('finish', () => {
    const route = routeOf(request);
    const status = response.statusCode;
    metrics?.httpDuration.observe(
      { http_request_method: method, http_response_status_code: status, ...(route ? { http_route: route } : {}) },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    if (route) {
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(request.traceContext, next);
};
