import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { z } from 'zod';
import { API_OPERATION, type ApiOperationSpec } from './openapi';
import { formatFieldPath } from './problem';
import { validationFailed } from './zod-validation.pipe';

type Handler = ReturnType<ExecutionContext['getHandler']>;
type JsonSchema = { properties?: Record<string, unknown>; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

// The parameter names a query schema documents: the properties of its input JSON Schema (the OpenAPI
// document lists the same), through unions and intersections.
const propertyNames = (schema: JsonSchema): string[] => [
  ...Object.keys(schema.properties ?? {}),
  ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap(propertyNames),
];

/**
 * Refuses any query parameter a route does not declare: 400 `VALIDATION_FAILED` naming each one
 * (`query.dryRun`), before any interceptor, pipe or handler runs, so nothing is written or recorded. A route
 * declares its query in `@ApiOperation({ query })`, the schema its pipe validates with and the OpenAPI
 * document lists; a route without one takes none. Without this, a route that reads no query answered as if
 * an unknown parameter meant something (`PUT /sources/:id/reliability?dryRun=true` wrote).
 *
 * Installed by `configureHttp` after the API key guard, so a key sent in the URL to a route that does not
 * take it is still answered 401 `KEY_IN_QUERY_NOT_ACCEPTED`.
 */
@Injectable()
export class DeclaredQueryGuard implements CanActivate {
  // Per handler: computed on its first request, as the schemas never change.
  private readonly declared = new WeakMap<Handler, ReadonlySet<string>>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const names = Object.keys(context.switchToHttp().getRequest<Request>().query ?? {});
    if (names.length === 0) return true;
    const declared = this.declaredBy(context.getHandler());
    const undeclared = names.filter((name) => !declared.has(name));
    if (undeclared.length === 0) return true;
    throw validationFailed(undeclared.map((name) => ({ field: formatFieldPath([name], 'query'), message: 'unknown query parameter' })));
  }

  private declaredBy(handler: Handler): ReadonlySet<string> {
    let names = this.declared.get(handler);
    if (!names) {
      const query = this.reflector.get<ApiOperationSpec | undefined>(API_OPERATION, handler)?.query;
      names = new Set(query ? propertyNames(z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : []);
      this.declared.set(handler, names);
    }
    return names;
  }
}
