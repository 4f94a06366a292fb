import { Module } from '@nestjs/common';
import { AddTaskHandler } from './add-task.handler';
import { AssignClaimHandler } from './assign-claim.handler';
import { ChangeWorkStateHandler } from './change-work-state.handler';
import { DeskController } from './desk.controller';
import { DeskPeopleHandler } from './desk-people.handler';
import { DeskQueueHandler } from './desk-queue.handler';
import { GetWorkHandler } from './get-work.handler';
import { ListCommentsHandler } from './list-comments.handler';
import { PostCommentHandler } from './post-comment.handler';
import { SetTaskHandler } from './set-task.handler';
import { UnassignClaimHandler } from './unassign-claim.handler';
import { WorkController } from './work.controller';
import { WorkHistoryHandler } from './work-history.handler';
import { WorkWriter } from './work-writer.service';

/** The verification desk's workflow over HTTP; every work command updates the work read model in its own transaction. */
@Module({
  controllers: [WorkController, DeskController],
  providers: [
    WorkWriter,
    AssignClaimHandler,
    UnassignClaimHandler,
    ChangeWorkStateHandler,
    AddTaskHandler,
    SetTaskHandler,
    PostCommentHandler,
    GetWorkHandler,
    ListCommentsHandler,
    DeskQueueHandler,
    DeskPeopleHandler,
    WorkHistoryHandler,
  ],
})
export class DeskModule {}
