import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Pool } from 'pg';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { HttpProblem } from './problem';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Marks a key whose request has not stored its response (still running, or cut off by a crash). */
const IN_PROGRESS = 0;
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];
/**
 * How long a key stays claimed by a request that has not answered. Longer than any request runs, so a
 * live request is not run twice; once it lapses, the key was left by a request that was cut off (a
 * crash, a lost connection) and the next retry takes it over.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

const inProgress = () =>
  new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'Conflict', 'a request with this Idempotency-Key is still being processed; retry shortly', {
    field: 'header.idempotency-key',
    headers: { 'Retry-After': '1' },
  });

/**
 * `Idempotency-Key` on a write: the first successful response is stored and returned to every retry
 * (with `Idempotent-Replayed: true`), so a client that lost the answer can retry without writing twice.
 * The same key with a different request is a 422; while the first request still runs, a retry gets 409.
 * Keys are scoped to the actor. Failed requests (4xx/5xx) store nothing: they wrote nothing either.
 *
 * A request cut off before its response was stored (the process crashed, its connection was lost) leaves
 * its key claimed: after {@link IDEMPOTENCY_LEASE_SECONDS} a retry takes the key over and runs the command
 * again. That is safe because handlers derive new ids from the key (`newResourceId`): the re-run addresses
 * what the first run may already have written, the decider recognises it as done, and nothing is written
 * twice. Two live requests with one key never both run: the claim is one row, taken by one statement.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

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

    // One statement claims the key: a new row, or the row of an identical request whose lease lapsed.
    // `created_at` is when the current claim was taken.
    const claimed = await this.pool.query(
      `INSERT INTO idempotency_keys (key, actor_id, method, path, request_hash, status) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (actor_id, key) DO UPDATE SET created_at = now()
         WHERE idempotency_keys.status = $6 AND idempotency_keys.request_hash = EXCLUDED.request_hash
           AND idempotency_keys.created_at < now() - make_interval(secs => $7)`,
      [key, actorId, request.method, path, requestHash, IN_PROGRESS, IDEMPOTENCY_LEASE_SECONDS],
    );
    if (claimed.rowCount === 0) return this.replay(response, key, actorId, requestHash);

    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      // Nothing was written: free the key for a corrected retry. Should this fail too, the lease frees it.
      await this.pool.query('DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2 AND status = $3', [actorId, key, IN_PROGRESS]).catch(() => undefined);
      throw error;
    }
    const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((name) => {
      const value = response.getHeader(name);
      return value === undefined ? [] : [[name, String(value)]];
    }));
    try {
      await this.pool.query('UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 WHERE actor_id = $1 AND key = $2', [
        actorId,
        key,
        response.statusCode,
        JSON.stringify(headers),
        body === undefined ? null : JSON.stringify(body),
      ]);
    } catch (error) {
      // The command is committed: answer it. A retry re-runs it once the lease lapses, and writes nothing.
      this.logger.warn(`could not store the response for Idempotency-Key ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return body;
  }

  private async replay(response: Response, key: string, actorId: string, requestHash: string): Promise<unknown> {
    const { rows } = await this.pool.query<{ request_hash: string; status: number; headers: Record<string, string>; body: unknown }>(
      'SELECT request_hash, status, headers, body FROM idempotency_keys WHERE actor_id = $1 AND key = $2',
      [actorId, key],
    );
    const stored = rows[0];
    // Gone between the two statements: the first request failed and freed it; the client may retry now.
    if (!stored) throw inProgress();
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, 'IDEMPOTENCY_KEY_REUSED', 'Unprocessable content', 'this Idempotency-Key was used for a different request', { field: 'header.idempotency-key' });
    }
    if (stored.status === IN_PROGRESS) throw inProgress();
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.setHeader('Idempotent-Replayed', 'true');
    response.status(stored.status);
    return stored.body ?? undefined;
  }
}
