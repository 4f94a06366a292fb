import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Pool } from 'pg';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { HttpProblem } from './problem';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Marks a key whose first request is still running. */
const IN_PROGRESS = 0;
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

/**
 * `Idempotency-Key` on a write: the first successful response is stored and returned to every retry
 * (with `Idempotent-Replayed: true`), so a client that lost the answer can retry without writing twice.
 * The same key with a different request is a 422; while the first request still runs, a retry gets 409.
 * Keys are scoped to the actor. Failed requests (4xx/5xx) store nothing: they wrote nothing either.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly pool: Pool) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const key = request.context?.idempotencyKey;
    if (!key || !WRITE_METHODS.has(request.method)) return next.handle();
    return from(this.handle(request, context.switchToHttp().getResponse<Response>(), key, next));
  }

  private async handle(request: Request, response: Response, key: string, next: CallHandler): Promise<unknown> {
    const actorId = request.context?.actor.id ?? 'anonymous';
    const path = request.originalUrl.split('?')[0];
    const requestHash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`).digest('hex');

    const claimed = await this.pool.query(
      `INSERT INTO idempotency_keys (key, actor_id, method, path, request_hash, status) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (actor_id, key) DO NOTHING`,
      [key, actorId, request.method, path, requestHash, IN_PROGRESS],
    );
    if (claimed.rowCount === 0) return this.replay(response, key, actorId, requestHash);

    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((name) => {
        const value = response.getHeader(name);
        return value === undefined ? [] : [[name, String(value)]];
      }));
      await this.pool.query('UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 WHERE actor_id = $1 AND key = $2', [
        actorId,
        key,
        response.statusCode,
        JSON.stringify(headers),
        body === undefined ? null : JSON.stringify(body),
      ]);
      return body;
    } catch (error) {
      await this.pool.query('DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2', [actorId, key]);
      throw error;
    }
  }

  private async replay(response: Response, key: string, actorId: string, requestHash: string): Promise<unknown> {
    const { rows } = await this.pool.query<{ request_hash: string; status: number; headers: Record<string, string>; body: unknown }>(
      'SELECT request_hash, status, headers, body FROM idempotency_keys WHERE actor_id = $1 AND key = $2',
      [actorId, key],
    );
    const stored = rows[0];
    if (!stored) throw new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'Conflict', 'a request with this Idempotency-Key is still being processed; retry shortly', { field: 'header.idempotency-key' });
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, 'IDEMPOTENCY_KEY_REUSED', 'Unprocessable content', 'this Idempotency-Key was used for a different request', { field: 'header.idempotency-key' });
    }
    if (stored.status === IN_PROGRESS) {
      throw new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'Conflict', 'a request with this Idempotency-Key is still being processed; retry shortly', { field: 'header.idempotency-key', headers: { 'Retry-After': '1' } });
    }
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.setHeader('Idempotent-Replayed', 'true');
    response.status(stored.status);
    return stored.body ?? undefined;
  }
}
