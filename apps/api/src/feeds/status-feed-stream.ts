import { once } from 'node:events';
import type { Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { formatLogPosition, type LogPosition } from '@claims/event-store';
import { readStatusFeed, type StatusFeedFilter } from '@claims/feed';
import type { StatusFeedHub } from './status-feed-hub';

const STREAM_BATCH = 200;
/** What EventSource waits before reconnecting. */
const RETRY_MS = 2000;

export interface StatusFeedStreamOptions {
  pool: Pool;
  hub: StatusFeedHub;
  logger: Logger;
  cursor: LogPosition;
  filter: StatusFeedFilter;
  heartbeatMs: number;
  /** Aborts when the client goes away or the server ends the stream (`endReason` says why). */
  signal: AbortSignal;
  endReason: () => string | undefined;
}

/**
 * Serves the status feed as Server-Sent Events on `response` until `signal` aborts: entries after
 * `cursor`, then each new one as the hub announces it, with a heartbeat comment after `heartbeatMs` of
 * silence. A read that fails (the database away) is retried on the next wake-up, the client keeping its
 * connection. When the server ends the stream, a last comment says why.
 */
export const serveStatusFeedStream = async (response: Response, options: StatusFeedStreamOptions): Promise<void> => {
  const { pool, hub, filter, heartbeatMs, signal } = options;
  let cursor = options.cursor;
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
    if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(signal, 'abort')]);
  };
  await write(`retry: ${RETRY_MS}\n: position ${formatLogPosition(cursor)}\n\n`);

  let failing = false;
  let readNow = true;
  let seen = hub.generation;
  while (!signal.aborted) {
    if (readNow) {
      seen = hub.generation;
      try {
        const page = await readStatusFeed(pool, { after: cursor, limit: STREAM_BATCH, filter });
        failing = false;
        if (signal.aborted) break;
        if (page.items.length > 0) {
          await write(page.items.map((item) => `id: ${item.position}\nevent: ${item.type}\ndata: ${JSON.stringify(item.message)}\n\n`).join(''));
        }
        cursor = page.next;
        readNow = page.hasMore;
      } catch (error) {
        if (signal.aborted) break;
        if (!failing) options.logger.warn(`status feed stream: read failed, retrying on the next change or heartbeat: ${error instanceof Error ? error.message : String(error)}`);
        failing = true;
        readNow = false;
      }
      if (readNow) continue;
    }
    if (hub.generation !== seen) {
      readNow = true;
      continue;
    }
    const idleFor = Date.now() - lastWrite;
    if (idleFor >= heartbeatMs) {
      await write(`: heartbeat ${new Date().toISOString()}\n\n`);
      // A heartbeat is no reason to read, unless the last read failed.
      readNow = failing;
      continue;
    }
    await hub.waitForChange(seen, heartbeatMs - idleFor, signal);
  }
  const reason = options.endReason();
  if (reason && !response.destroyed) response.write(`: closed: ${reason}\n\n`);
  response.end();
};
