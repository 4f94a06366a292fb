import { existsSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpProblem } from '../http/problem';
import { CONSOLE_DIST } from './console-build';

/**
 * The console's policy: its own scripts, styles and API calls (same origin) and nothing else — no inline
 * script or style, no framing, no other origin. uPlot sizes its elements through the CSSOM, which
 * `style-src` does not govern.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const consolePolicy = (_request: Request, response: Response, next: NextFunction) => {
  response.setHeader('Content-Security-Policy', CONSOLE_CSP);
  next();
};

/**
 * Serves the built review console at `/console` (index.html for `/console` and `/console/`) and its
 * hashed assets at `/console/assets/*`, outside Nest's router like `/docs/assets`. The page holds no
 * data: everything it shows comes from the API with the key the user enters.
 */
export const serveConsole = (app: INestApplication, dist: string = CONSOLE_DIST): void => {
  app.use('/console', consolePolicy);
  // Asset names carry a content hash: cache them for good (the API's default is no-store).
  app.use('/console/assets', (_request: Request, response: Response, next: NextFunction) => {
    response.removeHeader('Cache-Control');
    next();
  });
  app.use('/console/assets', express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: true }));
  app.use('/console', (request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path !== '/') return next();
    const index = path.join(dist, 'index.html');
    if (!existsSync(index)) return next(new HttpProblem(503, 'CONSOLE_NOT_BUILT', 'Review console not built', 'the review console has not been built: run npm run build:console'));
    response.type('html').sendFile(index);
  });
};
