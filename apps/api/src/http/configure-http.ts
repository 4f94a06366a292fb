import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { getAbsoluteFSPath as swaggerUiPath } from 'swagger-ui-dist';
import type { Logger } from 'pino';
import { ClaimLedgerMetrics } from '@claims/platform';
import { serveConsole } from '../console/serve-console';
import { httpTelemetry } from '../metrics/http-telemetry.middleware';
import { accessLog } from './access-log';
import { Clock } from './clock';
import { DeclaredQueryGuard } from './declared-query.guard';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { inputHygiene } from './input-hygiene';
import { jsonBodiesOnly } from './json-bodies-only';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem';
import { ProblemDetailsFilter } from './problem-details.filter';
import { requestContextMiddleware } from './request-context';

/** Largest accepted JSON body. Claims and reports are small; anything bigger is a mistake or an attack. */
export const BODY_LIMIT = '256kb';

/**
 * Creates the Nest application with the HTTP edge in place (not yet listening): used by `main.ts` and by
 * end-to-end tests, so both run the same pipeline. Nest's own body parser is off: ours runs after the
 * request-context middleware and before an error handler that answers parse failures as problem+json.
 */
export const createApiApp = async (
  rootModule: DynamicModule,
  options: { logger?: false | import('@nestjs/common').LoggerService; accessLogger?: Logger } = {},
): Promise<INestApplication> => {
  const app = await NestFactory.create(rootModule, { bodyParser: false, logger: options.logger, bufferLogs: options.logger !== false });
  configureHttp(app, options.accessLogger);
  return app;
};

/** Installs middleware, the problem+json filter, the declared-query guard and the idempotency interceptor on an application. */
export const configureHttp = (app: INestApplication, accessLogger?: Logger): void => {
  const filter = new ProblemDetailsFilter();
  const server = app.getHttpAdapter().getInstance() as express.Express;
  server.disable('x-powered-by');
  (app.getHttpServer() as import('node:http').Server).on('clientError', answerClientError);
  // First: times every request and opens its server span, also for those refused before a route runs.
  app.use(httpTelemetry(app.get(ClaimLedgerMetrics, { strict: false })));
  app.use(securityHeaders);
  app.use(requestContextMiddleware(app.get(Clock)));
  if (accessLogger) app.use(accessLog(accessLogger));
  app.use(jsonBodiesOnly);
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(inputHygiene);
  app.use('/docs/assets', express.static(swaggerUiPath(), { index: false, maxAge: '1h' }));
  serveConsole(app);
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => filter.send(error, request, response));
  app.useGlobalFilters(filter);
  // After the API key guard (an APP_GUARD, registered when the application was created).
  app.useGlobalGuards(new DeclaredQueryGuard(app.get(Reflector)));
  app.useGlobalInterceptors(app.get(IdempotencyInterceptor));
};

// The API answers JSON only: nothing in it may load or run anything. The docs page runs Swagger UI from
// /docs/assets plus its one inline bootstrap script.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const securityHeaders = (request: Request, response: Response, next: NextFunction) => {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Content-Security-Policy', request.path === '/docs' || request.path.startsWith('/docs/') ? DOCS_CSP : API_CSP);
  // Browsers honour it only over HTTPS (behind a TLS-terminating proxy); harmless otherwise.
  response.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  // Answers carry sensitive material (and a new key's secret): no cache keeps them. Static assets override it.
  response.setHeader('Cache-Control', 'no-store');
  next();
};

const CLIENT_ERRORS: Record<string, [status: number, code: string, title: string, detail: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'Request header fields too large', 'the request headers are too large'],
  HPE_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'Request timeout', 'the request took too long to arrive'],
};

/**
 * Requests Node's HTTP parser refuses before any route runs (oversized headers, malformed HTTP) are
 * answered as problem+json too, then the connection is closed.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, title, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'MALFORMED_REQUEST', 'Bad request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ type: problemType(code), title, status, detail, code });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
};
