import type { NextFunction, Request, Response } from 'express';
import { formatFieldPath, HttpProblem } from './problem';

/** Deeper than any request schema nests (about 4); deeper input is an attack on recursive code downstream. */
export const MAX_JSON_DEPTH = 32;

// NUL cannot be stored in PostgreSQL text or jsonb; a lone surrogate is not Unicode text (it would be
// silently replaced on the way to the database, so what is stored would differ from what was sent).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isUnsafeText = (text: string): boolean => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** The first problem in a parsed JSON value or query, found without recursion (the input may be very deep). */
export const findUnsafeInput = (root: unknown): { path: PropertyKey[]; problem: 'depth' | 'text' } | undefined => {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (isUnsafeText(value)) return { path, problem: 'text' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) return { path, problem: 'depth' };
    const entries: Array<[PropertyKey, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, item] of entries) {
      if (typeof key === 'string' && isUnsafeText(key)) return { path: [...path, key], problem: 'text' };
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
};

// The router would fail on such a path parameter later, with an error that names no field.
const decodesAsUtf8 = (path: string): boolean => {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * Express middleware, after the JSON parser: refuses a path that does not percent-decode to UTF-8, bodies
 * nested deeper than {@link MAX_JSON_DEPTH} and strings (body or query) holding NUL or unpaired surrogates,
 * before any handler, hash or query sees them.
 */
export const inputHygiene = (request: Request, _response: Response, next: NextFunction) => {
  if (!decodesAsUtf8(request.path)) {
    return next(new HttpProblem(400, 'MALFORMED_PATH', 'The request is not valid', 'the path holds a percent-encoding that is not UTF-8', { field: 'path' }));
  }
  const inBody = findUnsafeInput(request.body);
  const found = inBody ?? findUnsafeInput(request.query);
  if (!found) return next();
  const field = inBody ? formatFieldPath(found.path) : formatFieldPath(found.path, 'query');
  const problem =
    found.problem === 'depth'
      ? new HttpProblem(400, 'JSON_TOO_DEEP', 'The request is not valid', `the body nests deeper than ${MAX_JSON_DEPTH} levels`, { field })
      : new HttpProblem(400, 'INVALID_TEXT', 'The request is not valid', `${field}: text must not contain NUL characters or unpaired surrogates`, {
          field,
          errors: [{ field, message: 'text must not contain NUL characters or unpaired surrogates' }],
        });
  next(problem);
};
