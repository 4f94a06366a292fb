import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { getAbsoluteFSPath as swaggerUiPath } from 'swagger-ui-dist';
import { Clock } from './clock';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { ProblemDetailsFilter } from './problem-details.filter';
import { requestContextMiddleware } from './request-context';

/** Largest accepted JSON body. Claims and reports are small; anything bigger is a mistake or an attack. */
export const BODY_LIMIT = '256kb';

/**
 * Creates the Nest application with the HTTP edge in place (not yet listening): used by `main.ts` and by
 * end-to-end tests, so both run the same pipeline. Nest's own body parser is off: ours runs after the
 * request-context middleware and before an error handler that answers parse failures as problem+json.
 */
export const createApiApp = async (rootModule: DynamicModule, options: { logger?: false | import('@nestjs/common').LoggerService } = {}): Promise<INestApplication> => {
  const app = await NestFactory.create(rootModule, { bodyParser: false, logger: options.logger, bufferLogs: options.logger !== false });
  configureHttp(app);
  return app;
};

/** Installs middleware, the problem+json filter and the idempotency interceptor on an application. */
export const configureHttp = (app: INestApplication): void => {
  const filter = new ProblemDetailsFilter();
  const server = app.getHttpAdapter().getInstance() as express.Express;
  server.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(requestContextMiddleware(app.get(Clock)));
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use('/docs/assets', express.static(swaggerUiPath(), { index: false, maxAge: '1h' }));
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => filter.send(error, request, response));
  app.useGlobalFilters(filter);
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
