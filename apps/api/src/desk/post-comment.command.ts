import { Command } from '@nestjs/cqrs';
import type { CommentResponse, PostCommentRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';

export class PostCommentCommand extends Command<{ comment: CommentResponse; version: number }> {
  constructor(
    readonly claimId: string,
    readonly commentId: string,
    readonly body: PostCommentRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
