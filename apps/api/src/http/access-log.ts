import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * One JSON line per request once it is answered: method, path (no query string: it may carry filters
 * worth keeping private), status, duration, request id and the authenticated key. Never bodies or headers.
 */
export const accessLog = (logger: Logger) => (request: Request, response: Response, next: NextFunction) => {
  const started = process.hrtime.bigint();
  response.once('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const fields = {
      method: request.method,
      path: request.originalUrl.split('?')[0],
      status: response.statusCode,
      ms: Math.round(ms * 10) / 10,
      requestId: request.context?.requestId,
      actor: request.context?.actor.id,
    };
    if (response.statusCode >= 500) logger.error(fields, 'request failed');
    else logger.info(fields, 'request');
  });
  next();
};
