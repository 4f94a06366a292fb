import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ClaimNotFound } from '@claims/domain';
import { encodeCommentCursor, findClaimView, listWorkComments } from '@claims/projections';
import { ListCommentsQuery } from './list-comments.query';
import { commentResponses } from './work-response';

@QueryHandler(ListCommentsQuery)
export class ListCommentsHandler implements IQueryHandler<ListCommentsQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ claimId, page }: ListCommentsQuery) {
    if (!(await findClaimView(this.pool, claimId))) throw new ClaimNotFound(claimId);
    const { items, next } = await listWorkComments(this.pool, claimId, page);
    return { items: await commentResponses(this.pool, items), nextCursor: next === undefined ? null : encodeCommentCursor(next) };
  }
}
