import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Pool, type PoolClient } from 'pg';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { runInTransaction } from '@claims/event-store';
import { HttpProblem } from './problem';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

const inProgress = () =>
  new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'Conflict', 'a request with this Idempotency-Key is still being processed; retry shortly', {
    field: 'header.idempotency-key',
    headers: { 'Retry-After': '1' },
  });

interface StoredResponse {
  request_hash: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * `Idempotency-Key` on a write: the first successful response is stored and returned to every retry
 * (with `Idempotent-Replayed: true`), so a client that lost the answer can retry without writing twice.
 * The same key with a different request is a 422; while the first request still runs, a retry gets 409.
 * Keys are scoped to the actor. Failed requests (4xx/5xx) store nothing: they wrote nothing either.
 *
 * A keyed request is one unit of work (`runInTransaction`): the handler's writers join its transaction, and
 * the key's row, with the response, is inserted in that same transaction. "The command committed" and "its
 * answer is recorded" are one fact: a crash, a lost backend or a failure at any point rolls both back, and a
 * retry runs the command as if for the first time; once committed, every retry replays. A lost COMMIT
 * leaves the outcome to the database, and the retry finds out which it was.
 *
 * While it runs, the request holds a transaction-scoped advisory lock on the key, taken before anything
 * else (so before the writers' catalogue and claim locks: one order). A retry that cannot take it is
 * answered 409 at once, however long the first request runs; the lock ends with the transaction, or with
 * its backend or process, so a request cut off never blocks its retry.
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

  private handle(request: Request, response: Response, key: string, next: CallHandler): Promise<unknown> {
    const actorId = request.context?.actor.id ?? 'anonymous';
    const path = request.originalUrl.split('?')[0];
    const requestHash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`).digest('hex');

    return runInTransaction(this.pool, async (client) => {
      // A completed key replays without the lock, so concurrent retries of a finished request all get its answer.
      const done = await this.find(client, actorId, key);
      if (done) return this.replay(response, done, requestHash);
      const { rows: lock } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [
        `claim-ledger:idempotency-key:${JSON.stringify([actorId, key])}`,
      ]);
      if (!lock[0].locked) throw inProgress();
      // The holder may have committed between the two statements: its lock ends after its row is visible.
      const stored = await this.find(client, actorId, key);
      if (stored) return this.replay(response, stored, requestHash);

      // Subscribed here, inside the unit of work: the handler and every writer it calls run in it.
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.flatMap((name) => {
          const value = response.getHeader(name);
          return value === undefined ? [] : [[name, String(value)]];
        }),
      );
      await client.query('INSERT INTO idempotency_keys (key, actor_id, method, path, request_hash, status, headers, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        key,
        actorId,
        request.method,
        path,
        requestHash,
        response.statusCode,
        JSON.stringify(headers),
        storedBodyOf(response, body),
      ]);
      return body;
    });
  }

  private async find(client: PoolClient, actorId: string, key: string): Promise<StoredResponse | undefined> {
    const { rows } = await client.query<StoredResponse>('SELECT request_hash, status, headers, body FROM idempotency_keys WHERE actor_id = $1 AND key = $2', [
      actorId,
      key,
    ]);
    return rows[0];
  }

  private replay(response: Response, stored: StoredResponse, requestHash: string): unknown {
    if (stored.request_hash !== requestHash) {
      throw new HttpProblem(422, 'IDEMPOTENCY_KEY_REUSED', 'Unprocessable content', 'this Idempotency-Key was used for a different request', { field: 'header.idempotency-key' });
    }
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.setHeader('Idempotent-Replayed', 'true');
    response.status(stored.status);
    return stored.body ?? undefined;
  }
}

/**
 * What is kept for replays: the answer, unless the handler gave a version to keep instead
 * (`response.locals.idempotentReplayBody`): an answer holding a confidential source's decrypted identity
 * is kept with the pseudonym, so that no table holds the identity in clear (docs/protection.md).
 */
const storedBodyOf = (response: Response, body: unknown): string | null => {
  const replay = (response.locals as { idempotentReplayBody?: unknown }).idempotentReplayBody ?? body;
  return replay === undefined ? null : JSON.stringify(replay);
};
