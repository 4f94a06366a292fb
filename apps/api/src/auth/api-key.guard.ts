import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { roleHasPermission } from '@claims/domain';
import { HttpProblem } from '../http/problem';
import { KEY_IN_QUERY_METADATA } from './access.decorators';
import { routeAccessOf } from './route-inventory';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { FailedAuthenticationLimiter } from './failed-authentication-limiter';
import { SharedRateLimiter } from './shared-rate-limiter';

const CHALLENGE = 'Bearer realm="claim-ledger"';
const BEARER = /^Bearer +(\S+) *$/i;

const REFUSAL_DETAIL = {
  malformed: 'the API key is not valid',
  unknown: 'the API key is not valid',
  expired: 'the API key has expired',
  revoked: 'the API key was revoked',
} as const;

/**
 * Every request passes here (a global guard, so before interceptors and pipes): public routes go through;
 * any other needs `Authorization: Bearer <key>` (or, on a route marked `@AcceptsKeyInQuery()`, `?access_token=`) (401), within the key's rate (429), holding the route's
 * permission (403). An address that failed to authenticate too often is refused (429) before its key is
 * looked up. A route that declares neither `@Public()` nor `@RequirePermission()` is refused to
 * everyone. The authenticated key becomes the request's actor, the only source of attribution.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('ApiKeyGuard');
  private readonly reported = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly limiter: SharedRateLimiter,
    private readonly failures: FailedAuthenticationLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const access = routeAccessOf(this.reflector, context.getHandler(), context.getClass());
    if (access.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<Request>();
    if (!request.context) throw new Error('request context middleware is not installed (configureHttp)');
    const header = request.headers.authorization;
    const queryKey = typeof request.query.access_token === 'string' ? request.query.access_token : undefined;
    const keyInQuery = !header && queryKey !== undefined;
    if (keyInQuery && !this.reflector.getAllAndOverride<boolean>(KEY_IN_QUERY_METADATA, [context.getHandler(), context.getClass()])) {
      throw new HttpProblem(401, 'KEY_IN_QUERY_NOT_ACCEPTED', 'Unauthorized', 'this route takes the API key only as Authorization: Bearer <key> (a key in a URL leaks into logs)', {
        field: 'query.access_token',
        headers: { 'WWW-Authenticate': CHALLENGE },
      });
    }
    if (!header && !keyInQuery) {
      throw new HttpProblem(401, 'AUTHENTICATION_REQUIRED', 'Unauthorized', 'send an API key as Authorization: Bearer <key>', {
        field: 'header.authorization',
        headers: { 'WWW-Authenticate': CHALLENGE },
      });
    }
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const blocked = this.failures.blocked(address);
    if (blocked) {
      throw new HttpProblem(429, 'TOO_MANY_FAILED_AUTHENTICATIONS', 'Too many requests', `too many requests with an invalid API key from this address; retry in ${blocked.retryAfterSeconds} s`, {
        headers: { 'Retry-After': String(blocked.retryAfterSeconds) },
      });
    }
    const token = keyInQuery ? queryKey : BEARER.exec(header ?? '')?.[1];
    const result = token ? await this.authenticator.authenticate(token, request.context.now) : ({ ok: false, reason: 'malformed' } as const);
    if (!result.ok) {
      await this.failures.recordFailure(address);
      throw new HttpProblem(401, 'INVALID_API_KEY', 'Unauthorized', REFUSAL_DETAIL[result.reason], {
        field: keyInQuery ? 'query.access_token' : 'header.authorization',
        headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` },
      });
    }
    request.context.actor = { id: result.key.id, name: result.key.name, role: result.key.role };

    // Shared by every API process (one row per key in PostgreSQL): the key's budget, not the budget per process.
    const rate = await this.limiter.take(result.key.id);
    if (!rate.allowed) {
      throw new HttpProblem(429, 'RATE_LIMITED', 'Too many requests', `this key sent too many requests; retry in ${rate.retryAfterSeconds} s`, {
        headers: { 'Retry-After': String(rate.retryAfterSeconds) },
      });
    }

    if (access.kind === 'unclassified') {
      const route = `${context.getClass().name}.${context.getHandler().name}`;
      if (!this.reported.has(route)) {
        this.reported.add(route);
        this.logger.error(`${route} declares neither @Public() nor @RequirePermission(): refused to every caller`);
      }
      throw new HttpProblem(403, 'ROUTE_NOT_CLASSIFIED', 'Forbidden', 'this route has no access rule yet, so nobody may call it');
    }
    if (!roleHasPermission(result.key.role, access.permission)) {
      throw new HttpProblem(403, 'PERMISSION_DENIED', 'Forbidden', `the ${result.key.role} role does not have the ${access.permission} permission`);
    }
    return true;
  }
}
