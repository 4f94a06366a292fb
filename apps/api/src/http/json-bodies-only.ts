import type { NextFunction, Request, Response } from 'express';
import { HttpProblem } from './problem';

/** What the JSON parser reads: `application/json` and the structured `+json` types (merge-patch, problem). */
export const isJsonMediaType = (mediaType: string): boolean => mediaType === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(mediaType);

/** The media type and charset of a `Content-Type` header, lower-cased (`application/json; charset=UTF-8`). */
export const parseContentType = (header: string): { mediaType: string; charset?: string } => {
  const [type, ...parameters] = header.split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().split('='))
    .find(([name]) => name?.trim().toLowerCase() === 'charset')?.[1]
    ?.trim()
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
  return { mediaType: type.trim().toLowerCase(), ...(charset !== undefined ? { charset } : {}) };
};

// A body is there when the client announced bytes: a chunked body, or a non-zero Content-Length.
const hasContent = (request: Request): boolean => {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length.trim() !== '0';
};

/**
 * Express middleware, before the JSON parser: a request that carries a body must carry JSON in UTF-8
 * (RFC 8259 §8.1). Without it the parser would leave the body unread and a route whose body is optional
 * would act as if none was sent, silently dropping what the client said (a revocation's reason).
 * A non-JSON body is a 415 `UNSUPPORTED_MEDIA_TYPE`, another charset a 415 `UNSUPPORTED_CHARSET`.
 */
export const jsonBodiesOnly = (request: Request, _response: Response, next: NextFunction) => {
  const header = request.headers['content-type'];
  if (!hasContent(request) && header === undefined) return next();
  const { mediaType, charset } = parseContentType(header ?? '');
  if (!isJsonMediaType(mediaType)) {
    if (!hasContent(request)) return next();
    return next(
      new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', `request bodies must be application/json${mediaType ? `, not ${mediaType}` : ' (Content-Type is missing)'}`, {
        field: 'header.content-type',
      }),
    );
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(
      new HttpProblem(415, 'UNSUPPORTED_CHARSET', 'Unsupported media type', `request bodies must be JSON in UTF-8, not ${charset}`, { field: 'header.content-type' }),
    );
  }
  next();
};
