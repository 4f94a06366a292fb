import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Pool } from 'pg';
import { StatusFeedPageV1, StatusFeedQuery, StatusFeedStreamQuery } from '@claims/contracts';
import { formatLogPosition, LOG_START } from '@claims/event-store';
import { outboxHead, readStatusFeed, STATUS_FEED_ENTRY_TYPE, STATUS_TOPIC, type StatusFeedFilter } from '@claims/feed';
import { AcceptsKeyInQuery, RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { FeedQueryPipe, parseFeedCursor } from './feed-cursor';
import { FeedStreams } from './feed-streams';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';
import { StatusFeedHub } from './status-feed-hub';
import { serveStatusFeedStream } from './status-feed-stream';

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
    private readonly hub: StatusFeedHub,
    private readonly streams: FeedStreams,
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
  async page(@Query(new FeedQueryPipe(StatusFeedQuery)) query: StatusFeedQuery): Promise<StatusFeedPageV1> {
    const after = parseFeedCursor(query.after, 'query.after');
    const page = await readStatusFeed(this.pool, { after, limit: query.limit, filter: toFilter(query) });
    return { items: page.items, next: formatLogPosition(page.next), hasMore: page.hasMore };
  }

  @Get()
  @ApiOperation({
    summary: 'Status changes, as a Server-Sent Events stream',
    description:
      `\`text/event-stream\`. Each event: \`id\` = its feed position, \`event: ${STATUS_FEED_ENTRY_TYPE}\`, \`data\` = the message (JSON). ` +
      'Reconnect with `Last-Event-ID` (EventSource does) to resume right after the last event received. Comment lines are heartbeats. ' +
      'Open streams are capped per key and per server (429 `TOO_MANY_STREAMS`); a stream ends (after a `: closed: <reason>` comment) once its key is revoked or expires.',
    tags: ['feeds'],
    query: StatusFeedStreamQuery,
    headers: { 'Last-Event-ID': 'Resume after this feed position (takes precedence over `after`)' },
    responses: { 200: null },
  })
  @RequirePermission('feed:read')
  @AcceptsKeyInQuery()
  async stream(@Query(new FeedQueryPipe(StatusFeedStreamQuery)) query: StatusFeedStreamQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const lastEventId = request.headers['last-event-id'];
    const resumeAt = parseFeedCursor(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, 'header.last-event-id') ?? parseFeedCursor(query.after, 'query.after');
    const lease = this.streams.open(request.context?.actor.id ?? 'anonymous');
    const leave = this.hub.join();
    const ended = new AbortController();
    const end = () => ended.abort();
    response.on('close', end);
    lease.signal.addEventListener('abort', end, { once: true });
    // The client may have gone while the key was checked: no 'close' would come any more.
    if (response.destroyed || !response.socket || response.socket.destroyed) end();
    try {
      const cursor = resumeAt ?? (query.from === 'now' ? await outboxHead(this.pool, STATUS_TOPIC) : LOG_START);
      await serveStatusFeedStream(response, {
        pool: this.pool,
        hub: this.hub,
        logger: this.logger,
        cursor,
        filter: toFilter(query),
        heartbeatMs: this.options.heartbeatMs ?? 15_000,
        signal: ended.signal,
        endReason: lease.reason,
      });
    } finally {
      lease.signal.removeEventListener('abort', end);
      response.off('close', end);
      leave();
      lease.release();
    }
  }
}
