import { Controller, Get, Header, Injectable, type OnApplicationBootstrap, SetMetadata } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { z } from 'zod';
import { ProblemDetailsSchema } from '@claims/contracts';
import { Public } from '../auth/access.decorators';
import { routeAccessOf } from '../auth/route-inventory';
import { edgeProblemStatuses, type OperationClass, problemResponse } from './openapi-problems';

/** What a route documents; the schemas are the same zod schemas that validate the request. */
export interface ApiOperationSpec {
  summary: string;
  description?: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Extra request headers worth documenting (If-Match, Idempotency-Key are added for writes). */
  headers?: Record<string, string>;
  /** Success responses by status; a schema, or null for an empty body. */
  responses: Record<number, z.ZodType | null>;
  /**
   * Error statuses the handler itself may answer (problem+json). Those of the HTTP edge are added from
   * the route's class (`edgeProblemStatuses`): 400 and 500 always, 401/403/429 with a key, 409/413/415/422 on writes.
   */
  problems?: number[];
}

/** Metadata key of a route's {@link ApiOperationSpec} (also read by the declared-query guard). */
export const API_OPERATION = 'claim-ledger:api-operation';

/** Documents a controller method in `/openapi.json`. */
export const ApiOperation = (spec: ApiOperationSpec) => SetMetadata(API_OPERATION, spec);

const REQUEST_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'search'];

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const toOpenApiPath = (...parts: string[]): string =>
  `/${parts.flatMap((part) => part.split('/')).filter(Boolean).join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const objectProperties = (schema: z.ZodType): Array<[string, JsonSchema, boolean]> => {
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => [name, property, required.has(name)]);
};

/** Builds the OpenAPI 3.1 document from every `@ApiOperation` once the application has started. */
@Injectable()
export class OpenApiDocument implements OnApplicationBootstrap {
  private document: JsonSchema = {};

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    this.document = this.build();
  }

  get(): JsonSchema {
    return this.document;
  }

  private build(): JsonSchema {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const controllerPath = (this.reflector.get<string | string[]>(PATH_METADATA, wrapper.metatype) ?? '') as string;
      const prototype = Object.getPrototypeOf(instance);
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methodName];
        const spec = this.reflector.get<ApiOperationSpec | undefined>(API_OPERATION, handler);
        if (!spec) continue;
        const method = REQUEST_METHODS[this.reflector.get<number>(METHOD_METADATA, handler) ?? 0];
        const path = toOpenApiPath(String(controllerPath), String(this.reflector.get<string>(PATH_METADATA, handler) ?? ''));
        paths[path] ??= {};
        const access = routeAccessOf(this.reflector, handler, wrapper.metatype);
        paths[path][method] = {
          ...this.operation(spec, `${wrapper.name}.${methodName}`, { access: access.kind, write: method !== 'get' }),
          ...(access.kind === 'public' ? { security: [] } : {}),
          ...(access.kind === 'permission' ? { 'x-required-permission': access.permission } : {}),
        };
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'claim-ledger',
        version: '1',
        description: 'Event-sourced claim verification: sources, claims, reports, assessments, feeds and audit.',
      },
      paths,
      security: [{ apiKey: [] }],
      components: {
        schemas: { ProblemDetails: jsonSchema(ProblemDetailsSchema, 'output') },
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (`clk_…`), as `Authorization: Bearer <key>`. 401 without a valid key, 403 without the permission, 429 over the rate limit or after too many failed authentications.',
          },
        },
      },
    };
  }

  private operation(spec: ApiOperationSpec, operationId: string, operationClass: OperationClass): Record<string, unknown> {
    const write = operationClass.write;
    const parameters = [
      ...(spec.params ? objectProperties(spec.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })) : []),
      ...(spec.query ? objectProperties(spec.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })) : []),
      ...Object.entries(spec.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } })),
      ...(write
        ? [
            { name: 'Idempotency-Key', in: 'header', required: false, description: 'Retries with the same key return the first response and write nothing new', schema: { type: 'string', maxLength: 128 } },
            { name: 'X-Correlation-Id', in: 'header', required: false, description: 'Stored in the metadata of every event this request writes', schema: { type: 'string', maxLength: 128 } },
          ]
        : []),
    ];
    const problems = [...new Set([...edgeProblemStatuses(operationClass), ...(spec.problems ?? [])])].sort((a, b) => a - b);
    return {
      operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.tags ? { tags: spec.tags } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body ? { requestBody: { required: !spec.body.safeParse(undefined).success, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      responses: {
        ...Object.fromEntries(
          Object.entries(spec.responses).map(([status, schema]) => [
            status,
            schema ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } } : { description: 'Success' },
          ]),
        ),
        ...Object.fromEntries(problems.map((status) => [String(status), problemResponse(status)])),
      },
    };
  }
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>claim-ledger API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });</script>
</body></html>`;

@Controller()
@Public()
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  openApi() {
    return this.document.get();
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs() {
    return DOCS_PAGE;
  }
}
