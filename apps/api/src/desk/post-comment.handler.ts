import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { PostCommentCommand } from './post-comment.command';
import { commentResponses } from './work-response';
import { WorkWriter } from './work-writer.service';

@CommandHandler(PostCommentCommand)
export class PostCommentHandler implements ICommandHandler<PostCommentCommand> {
  constructor(
    private readonly pool: Pool,
    private readonly work: WorkWriter,
  ) {}

  async execute({ claimId, commentId, body, context }: PostCommentCommand) {
    const result = await this.work.write(claimId, context, (claim) => ({
      type: 'PostComment',
      data: { claimId, claim, commentId, body: body.body, ...(body.reportId !== undefined ? { reportId: body.reportId } : {}) },
      metadata: domainMetadataOf(context),
    }));
    // A retry the decider recognised answers with the comment already on record.
    const posted = result.state.comments.find((comment) => comment.commentId === commentId)!;
    const [comment] = await commentResponses(this.pool, [
      {
        claimId,
        version: 0,
        commentId,
        body: posted.body,
        reportId: posted.reportId ?? null,
        author: posted.author,
        postedAt: posted.postedAt,
      },
    ]);
    return { comment, version: result.version };
  }
}
