import { Query } from '@nestjs/cqrs';
import type { CommentListResponse } from '@claims/contracts';

export class ListCommentsQuery extends Query<CommentListResponse> {
  constructor(
    readonly claimId: string,
    readonly page: { limit: number; after?: number },
  ) {
    super();
  }
}
