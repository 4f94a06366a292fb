import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  NoRequestBody,
  UpdateWebhookRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveryListResponse,
  WebhookDeliveryParams,
  WebhookDeliveryResponse,
  WebhookIdParams,
  WebhookListResponse,
  WebhookResponse,
} from '@claims/contracts';
import { WebhookIsDeleted, WebhookNotFound } from '@claims/domain';
import { type DeliveryView, listDeliveries, requeueFailedDelivery } from '@claims/feed';
import { Pool } from 'pg';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { eventMetadataOf, RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { assertDeliverableUrl } from './webhook-url';
import { type WebhookChangeContext, WebhookRegistry } from './webhook.registry';
import { toWebhookResponse } from './webhook.projection';
import { WEBHOOK_CONFIG, type WebhookConfig } from './webhooks.tokens';

const tags = ['admin'];

const changeContext = (context: RequestContextValue): WebhookChangeContext => ({ now: context.now, metadata: eventMetadataOf(context) });

const refuseReplay = (context: RequestContextValue) => {
  if (context.idempotencyKey) {
    throw new HttpProblem(400, 'IDEMPOTENCY_KEY_NOT_SUPPORTED', 'The request is not valid', 'the answer holds a secret, which is never stored for replay; list the webhooks to see whether a retry is needed', {
      field: 'header.idempotency-key',
    });
  }
};

const toDeliveryResponse = (delivery: DeliveryView): WebhookDeliveryResponse => ({
  id: delivery.id,
  messageId: delivery.messageId,
  claimId: delivery.claimId,
  state: delivery.state,
  enqueuedAt: delivery.enqueuedAt.toISOString(),
  nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
  deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  failedAt: delivery.failedAt?.toISOString() ?? null,
  lastError: delivery.lastError,
  attempts: delivery.attempts.map((attempt) => ({ ...attempt, at: attempt.at.toISOString() })),
});

/**
 * Webhook endpoints (Standard Webhooks): each status change is POSTed, signed, to every active endpoint whose
 * filter matches. Every change to an endpoint is an event on its stream, by the admin's key.
 */
@Controller('admin/webhooks')
@RequirePermission('webhooks:manage')
export class WebhooksController {
  constructor(
    private readonly registry: WebhookRegistry,
    private readonly pool: Pool,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a webhook endpoint; the answer is the only time its signing secret is shown',
    description: 'Deliveries start with the next status change. The URL must be http(s) and, unless WEBHOOK_ALLOW_PRIVATE=true, not resolve to a loopback, private or link-local address. `Idempotency-Key` is refused: replaying the answer would mean storing the secret.',
    tags,
    body: CreateWebhookRequest,
    responses: { 201: CreatedWebhookResponse },
    problems: [401, 403, 422],
  })
  async create(
    @Body(new ZodValidationPipe(CreateWebhookRequest)) body: CreateWebhookRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedWebhookResponse> {
    refuseReplay(context);
    await assertDeliverableUrl(body.url, this.config.WEBHOOK_ALLOW_PRIVATE === 'true');
    const { record, secret } = await this.registry.register({ webhookId: randomUUID(), url: body.url, ...(body.description ? { description: body.description } : {}), filter: body.filter }, changeContext(context));
    response.setHeader('Location', `/admin/webhooks/${record.webhookId}`);
    return { ...toWebhookResponse(record, context.now), secret };
  }

  @Get()
  @ApiOperation({ summary: 'Every webhook endpoint, oldest first, without secrets', tags, responses: { 200: WebhookListResponse }, problems: [401, 403] })
  async list(@RequestContext() context: RequestContextValue): Promise<WebhookListResponse> {
    return { items: (await this.registry.list()).map((record) => toWebhookResponse(record, context.now)) };
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'One webhook endpoint, without its secret', tags, params: WebhookIdParams, responses: { 200: WebhookResponse }, problems: [401, 403, 404] })
  async get(@Param(new ZodValidationPipe(WebhookIdParams)) { webhookId }: WebhookIdParams, @RequestContext() context: RequestContextValue): Promise<WebhookResponse> {
    const record = await this.registry.find(webhookId);
    if (!record) throw new WebhookNotFound(webhookId);
    return toWebhookResponse(record, context.now);
  }

  @Patch(':webhookId')
  @ApiOperation({
    summary: 'Change an endpoint: URL, description, filter; `paused` pauses (deliveries queue) or resumes it',
    tags,
    params: WebhookIdParams,
    body: UpdateWebhookRequest,
    responses: { 200: WebhookResponse },
    problems: [401, 403, 404, 409, 422],
  })
  async update(
    @Param(new ZodValidationPipe(WebhookIdParams)) { webhookId }: WebhookIdParams,
    @Body(new ZodValidationPipe(UpdateWebhookRequest)) body: UpdateWebhookRequest,
    @RequestContext() context: RequestContextValue,
  ): Promise<WebhookResponse> {
    if (body.url !== undefined) await assertDeliverableUrl(body.url, this.config.WEBHOOK_ALLOW_PRIVATE === 'true');
    const record = await this.registry.change(webhookId, body, changeContext(context));
    return toWebhookResponse(record, context.now);
  }

  @Delete(':webhookId')
  @ApiOperation({ summary: 'Delete an endpoint: nothing more is sent to it, its secrets are dropped, its history stays', tags, params: WebhookIdParams, body: NoRequestBody, responses: { 200: WebhookResponse }, problems: [401, 403, 404] })
  async delete(
    @Param(new ZodValidationPipe(WebhookIdParams)) { webhookId }: WebhookIdParams,
    @Body(new ZodValidationPipe(NoRequestBody)) _body: NoRequestBody,
    @RequestContext() context: RequestContextValue,
  ): Promise<WebhookResponse> {
    return toWebhookResponse(await this.registry.delete(webhookId, changeContext(context)), context.now);
  }

  @Post(':webhookId/secret-rotation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret, shown once; the previous one still signs (both signatures sent) for WEBHOOK_SECRET_GRACE_HOURS',
    tags,
    params: WebhookIdParams,
    body: NoRequestBody,
    responses: { 200: CreatedWebhookResponse },
    problems: [401, 403, 404, 409],
  })
  async rotateSecret(
    @Param(new ZodValidationPipe(WebhookIdParams)) { webhookId }: WebhookIdParams,
    @Body(new ZodValidationPipe(NoRequestBody)) _body: NoRequestBody,
    @RequestContext() context: RequestContextValue,
  ): Promise<CreatedWebhookResponse> {
    refuseReplay(context);
    const { record, secret } = await this.registry.rotateSecret(webhookId, changeContext(context));
    return { ...toWebhookResponse(record, context.now), secret };
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({
    summary: "An endpoint's deliveries, oldest first, with every attempt (time, HTTP status or error, duration)",
    tags,
    params: WebhookIdParams,
    query: WebhookDeliveriesQuery,
    responses: { 200: WebhookDeliveryListResponse },
    problems: [401, 403, 404],
  })
  async deliveries(
    @Param(new ZodValidationPipe(WebhookIdParams)) { webhookId }: WebhookIdParams,
    @Query(new ZodValidationPipe(WebhookDeliveriesQuery)) query: WebhookDeliveriesQuery,
  ): Promise<WebhookDeliveryListResponse> {
    if (!(await this.registry.find(webhookId))) throw new WebhookNotFound(webhookId);
    const items = await listDeliveries(this.pool, webhookId, { after: query.after, limit: query.limit + 1, state: query.state });
    const page = items.slice(0, query.limit);
    return { items: page.map(toDeliveryResponse), next: items.length > query.limit ? page[page.length - 1].id : null };
  }

  @Post(':webhookId/deliveries/:deliveryId/redelivery')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a parked (failed) delivery again: back in its queue, due now, with a fresh retry horizon',
    tags,
    params: WebhookDeliveryParams,
    body: NoRequestBody,
    responses: { 200: WebhookDeliveryResponse },
    problems: [401, 403, 404, 409],
  })
  async redeliver(
    @Param(new ZodValidationPipe(WebhookDeliveryParams)) { webhookId, deliveryId }: WebhookDeliveryParams,
    @Body(new ZodValidationPipe(NoRequestBody)) _body: NoRequestBody,
  ): Promise<WebhookDeliveryResponse> {
    const endpoint = await this.registry.find(webhookId);
    if (!endpoint) throw new WebhookNotFound(webhookId);
    if (endpoint.status === 'deleted') throw new WebhookIsDeleted(webhookId);
    const [delivery] = await listDeliveries(this.pool, webhookId, { deliveryId, limit: 1 });
    if (!delivery) throw new HttpProblem(404, 'WEBHOOK_DELIVERY_NOT_FOUND', 'Not found', `webhook ${webhookId} has no delivery ${deliveryId}`, { field: 'deliveryId' });
    if (!(await requeueFailedDelivery(this.pool, webhookId, deliveryId))) {
      throw new HttpProblem(409, 'WEBHOOK_DELIVERY_NOT_PARKED', 'Conflict', `delivery ${deliveryId} is ${delivery.state}: only a parked (failed) delivery is sent again`, { field: 'deliveryId' });
    }
    const [requeued] = await listDeliveries(this.pool, webhookId, { deliveryId, limit: 1 });
    return toDeliveryResponse(requeued);
  }
}
