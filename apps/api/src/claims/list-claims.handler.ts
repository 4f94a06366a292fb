import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { encodeClaimCursor, listClaimViews } from '@claims/projections';
import { ListClaimsQuery } from './list-claims.query';

@QueryHandler(ListClaimsQuery)
export class ListClaimsHandler implements IQueryHandler<ListClaimsQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ filters }: ListClaimsQuery) {
    const page = await listClaimViews(this.pool, filters);
    return { items: page.items, nextCursor: page.next ? encodeClaimCursor(page.next) : null };
  }
}
