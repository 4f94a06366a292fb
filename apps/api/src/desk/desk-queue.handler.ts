import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { encodeClaimCursor, listWorkQueue } from '@claims/projections';
import { DeskQueueQuery } from './desk-queue.query';

@QueryHandler(DeskQueueQuery)
export class DeskQueueHandler implements IQueryHandler<DeskQueueQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ filters }: DeskQueueQuery) {
    const page = await listWorkQueue(this.pool, filters);
    // The same cursor as `/claims`: the queue is the claim list in the same order, with work filters.
    return { items: page.items, nextCursor: page.next ? encodeClaimCursor(page.next) : null };
  }
}
