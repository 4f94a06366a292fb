import { once } from 'node:events';
import { Controller, Get, Inject, Injectable, Logger, type OnModuleDestroy, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Pool } from 'pg';
import { StatusFeedPageV1, StatusFeedQuery, StatusFeedStreamQuery } from '@claims/contracts';
import { formatLogPosition, LOG_START, type LogPosition, parseLogPosition } from '@claims/event-store';
import { OutboxNotifier, outboxHead, readStatusFeed, STATUS_FEED_ENTRY_TYPE, STATUS_TOPIC, type StatusFeedFilter } from '@claims/feed';
import { AcceptsKeyInQuery, RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';

const STREAM_BATCH = 200;
const RETRY_MS = 2000;

/** The process's LISTEN connection for the outbox, shared by all streams. */
@Injectable()
export class StatusFeedNotifier extends OutboxNotifier implements OnModuleDestroy {
  constructor(pool: Pool) {
    super(pool);
  }
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}

const parseCursor = (value: string | undefined, field: string): LogPosition | undefined => {
  if (value === undefined || value === '') return undefined;
  const position = parseLogPosition(value.trim());
  if (!position) throw new HttpProblem(400, 'INVALID_CURSOR', 'The feed position is not valid', `${field} must be a position this feed returned, e.g. "812-40"`, { field });
  return position;
};

const toFilter = (query: { status?: string[]; claim?: string }): StatusFeedFilter => ({ statuses: query.status, claimId: query.claim });

/**
 * The status-change feed over HTTP, for consumers without Kafka: a Server-Sent Events stream and the
 * same entries as pages of JSON. Both read the outbox with its watermark, so they skip nothing.
 */
@Controller('feeds/status-changes')
export class StatusFeedController {
  private readonly logger = new Logger(StatusFeedController.name);

  constructor(
    private readonly pool: Pool,
    private readonly notifier: StatusFeedNotifier,
    @Inject(FEEDS_OPTIONS) private readonly options: FeedsOptions,
  ) {}

  @Get('page')
  @ApiOperation({
    summary: 'Status changes, as pages of JSON',
    description: 'Oldest first. Follow `next` as `after`; a page can be short (or empty) while `hasMore` is true when filters skip entries.',
    tags: ['feeds'],
    query: StatusFeedQuery,
    responses: { 200: StatusFeedPageV1 },
  })
  @RequirePermission('feed:read')
  async page(@Query(new ZodValidationPipe(StatusFeedQuery)) query: StatusFeedQuery): Promise<StatusFeedPageV1> {
    const after = parseCursor(query.after, 'query.after');
    const page = await readStatusFeed(this.pool, { after, limit: query.limit, filter: toFilter(query) });
    return { items: page.items, next: formatLogPosition(page.next), hasMore: page.hasMore };
  }

  @Get()
  @ApiOperation({
    summary: 'Status changes, as a Server-Sent Events stream',
    description:
      `\`text/event-stream\`. Each event: \`id\` = its feed position, \`event: ${STATUS_FEED_ENTRY_TYPE}\`, \`data\` = the message (JSON). ` +
      'Reconnect with `Last-Event-ID` (EventSource does) to resume right after the last event received. Comment lines are heartbeats.',
    tags: ['feeds'],
    query: StatusFeedStreamQuery,
    headers: { 'Last-Event-ID': 'Resume after this feed position (takes precedence over `after`)' },
    responses: { 200: null },
  })
  @RequirePermission('feed:read')
  @AcceptsKeyInQuery()
  async stream(@Query(new ZodValidationPipe(StatusFeedStreamQuery)) query: StatusFeedStreamQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const lastEventId = request.headers['last-event-id'];
    let cursor =
      parseCursor(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, 'header.last-event-id') ??
      parseCursor(query.after, 'query.after') ??
      (query.from === 'now' ? await outboxHead(this.pool, STATUS_TOPIC) : LOG_START);
    const filter = toFilter(query);
    const heartbeatMs = this.options.heartbeatMs ?? 15_000;
    const pollMs = this.options.pollIntervalMs ?? 1000;

    const closed = new AbortController();
    request.on('close', () => closed.abort());
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    let lastWrite = Date.now();
    const write = async (chunk: string) => {
      lastWrite = Date.now();
      if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(closed.signal, 'abort')]);
    };
    await write(`retry: ${RETRY_MS}\n: position ${formatLogPosition(cursor)}\n\n`);

    while (!closed.signal.aborted) {
      try {
        const before = this.notifier.notificationCount;
        const page = await readStatusFeed(this.pool, { after: cursor, limit: STREAM_BATCH, filter });
        if (page.items.length > 0) {
          await write(page.items.map((item) => `id: ${item.position}\nevent: ${item.type}\ndata: ${JSON.stringify(item.message)}\n\n`).join(''));
        }
        cursor = page.next;
        if (page.hasMore || this.notifier.notificationCount !== before) continue;
        const idleFor = Date.now() - lastWrite;
        if (idleFor >= heartbeatMs) {
          await write(`: heartbeat ${new Date().toISOString()}\n\n`);
          continue;
        }
        await this.notifier.wait(Math.min(pollMs, heartbeatMs - idleFor), closed.signal);
      } catch (error) {
        // A database hiccup: the client keeps its connection and the stream resumes where it was.
        if (closed.signal.aborted) break;
        this.logger.warn(`status feed stream: read failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    }
    response.end();
  }
}
