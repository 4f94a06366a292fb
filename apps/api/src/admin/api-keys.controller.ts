import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiKeyIdParams,
  ApiKeyListResponse,
  ApiKeyResponse,
  ChangeApiKeyExpiryRequest,
  CreateApiKeyRequest,
  CreatedApiKeyResponse,
  RevokeApiKeyRequest,
} from '@claims/contracts';
import { ApiKeyNotFound } from '@claims/domain';
import { afterCommit } from '@claims/event-store';
import { RequirePermission } from '../auth/access.decorators';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { toApiKeyResponse } from '../auth/api-key.projection';
import { ApiKeyRegistry, type KeyChangeContext } from '../auth/api-key.registry';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { eventMetadataOf, RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';

const tags = ['admin'];

const changeContext = (context: RequestContextValue): KeyChangeContext => ({ now: context.now, metadata: eventMetadataOf(context) });

/** Key management, for `admin` keys only. Every change is an event on the key's stream, by the admin's key. */
@Controller('admin/api-keys')
@RequirePermission('keys:manage')
export class ApiKeysController {
  constructor(
    private readonly registry: ApiKeyRegistry,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an API key; the answer is the only time its secret is shown',
    description: '`Idempotency-Key` is refused here: replaying the answer would mean storing the secret.',
    tags,
    body: CreateApiKeyRequest,
    responses: { 201: CreatedApiKeyResponse },
    problems: [401, 403, 422],
  })
  async create(
    @Body(new ZodValidationPipe(CreateApiKeyRequest)) body: CreateApiKeyRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedApiKeyResponse> {
    if (context.idempotencyKey) {
      throw new HttpProblem(400, 'IDEMPOTENCY_KEY_NOT_SUPPORTED', 'The request is not valid', 'key creation cannot be replayed: the secret is never stored; list the keys to see whether a retry is needed', {
        field: 'header.idempotency-key',
      });
    }
    const { record, secret } = await this.registry.issue(body, changeContext(context));
    response.setHeader('Location', `/admin/api-keys/${record.keyId}`);
    return { ...toApiKeyResponse(record, context.now), secret };
  }

  @Get()
  @ApiOperation({ summary: 'Every API key, oldest first, without secrets', tags, responses: { 200: ApiKeyListResponse }, problems: [401, 403] })
  async list(@RequestContext() context: RequestContextValue): Promise<ApiKeyListResponse> {
    return { items: (await this.registry.list()).map((record) => toApiKeyResponse(record, context.now)) };
  }

  @Get(':keyId')
  @ApiOperation({ summary: 'One API key, without its secret', tags, params: ApiKeyIdParams, responses: { 200: ApiKeyResponse }, problems: [401, 403, 404] })
  async get(@Param(new ZodValidationPipe(ApiKeyIdParams)) { keyId }: ApiKeyIdParams, @RequestContext() context: RequestContextValue): Promise<ApiKeyResponse> {
    const record = await this.registry.find(keyId);
    if (!record) throw new ApiKeyNotFound(keyId);
    return toApiKeyResponse(record, context.now);
  }

  @Post(':keyId/revocation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an API key: refused from now on (by every API process within seconds)',
    tags,
    params: ApiKeyIdParams,
    body: RevokeApiKeyRequest,
    responses: { 200: ApiKeyResponse },
    problems: [401, 403, 404],
  })
  async revoke(
    @Param(new ZodValidationPipe(ApiKeyIdParams)) { keyId }: ApiKeyIdParams,
    @Body(new ZodValidationPipe(RevokeApiKeyRequest)) body: RevokeApiKeyRequest,
    @RequestContext() context: RequestContextValue,
  ): Promise<ApiKeyResponse> {
    const record = await this.registry.revoke(keyId, body.reason, changeContext(context));
    // Once committed (a keyed request commits after this returns): a reload before would cache the old key again.
    afterCommit(() => this.authenticator.forget(keyId));
    return toApiKeyResponse(record, context.now);
  }

  @Put(':keyId/expiry')
  @HttpCode(200)
  @ApiOperation({
    summary: "Set or remove (null) an API key's expiry",
    tags,
    params: ApiKeyIdParams,
    body: ChangeApiKeyExpiryRequest,
    responses: { 200: ApiKeyResponse },
    problems: [401, 403, 404, 409, 422],
  })
  async changeExpiry(
    @Param(new ZodValidationPipe(ApiKeyIdParams)) { keyId }: ApiKeyIdParams,
    @Body(new ZodValidationPipe(ChangeApiKeyExpiryRequest)) body: ChangeApiKeyExpiryRequest,
    @RequestContext() context: RequestContextValue,
  ): Promise<ApiKeyResponse> {
    const record = await this.registry.changeExpiry(keyId, body.expiresAt, changeContext(context));
    afterCommit(() => this.authenticator.forget(keyId));
    return toApiKeyResponse(record, context.now);
  }
}
