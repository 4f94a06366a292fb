import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  AddTaskRequest,
  AssignClaimRequest,
  ChangeWorkStateRequest,
  ClaimIdParams,
  CommentListQuery,
  CommentListResponse,
  CommentResponse,
  PostCommentRequest,
  SetTaskRequest,
  TaskIdParams,
  WorkHistoryResponse,
  WorkTasksResponse,
  WorkViewResponse,
  NoRequestBody,
} from '@claims/contracts';
import { taskIdOf } from '@claims/domain';
import { decodeCommentCursor } from '@claims/projections';
import { RequirePermission } from '../auth/access.decorators';
import { newResourceId } from '../claims/resource-id';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { AddTaskCommand } from './add-task.command';
import { AssignClaimCommand } from './assign-claim.command';
import { ChangeWorkStateCommand } from './change-work-state.command';
import { GetWorkQuery } from './get-work.query';
import { ListCommentsQuery } from './list-comments.query';
import { PostCommentCommand } from './post-comment.command';
import { SetTaskCommand } from './set-task.command';
import { UnassignClaimCommand } from './unassign-claim.command';
import { WorkHistoryQuery } from './work-history.query';

const IF_MATCH = { 'If-Match': "The claim's work version (the ETag of its work routes, not of the claim) the change is based on; a stale one answers 412" };
const tags = ['desk'];

/** Every work answer carries the work stream's version as its ETag, for the next `If-Match`. */
const withWork = <T extends { version: number }>(response: Response, body: T): T => {
  response.setHeader('ETag', `"${body.version}"`);
  return body;
};

/** The desk's workflow on one claim: assignment, work state, checklist, comments. */
@Controller('claims')
export class WorkController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get(':claimId/work')
  @ApiOperation({
    summary: "A claim's work on the desk: work state, assignee, checklist, comment count, and the moves the caller may make",
    tags,
    params: ClaimIdParams,
    responses: { 200: WorkViewResponse },
    problems: [404],
  })
  @RequirePermission('work:read')
  async getWork(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkViewResponse> {
    return withWork(response, await this.queries.execute(new GetWorkQuery(claimId, context)));
  }

  @Get(':claimId/work/history')
  @ApiOperation({
    summary: "The claim's work events, oldest first (the assessment history is /claims/:claimId/history)",
    tags,
    params: ClaimIdParams,
    responses: { 200: WorkHistoryResponse },
    problems: [404],
  })
  @RequirePermission('work:read')
  workHistory(@Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams): Promise<WorkHistoryResponse> {
    return this.queries.execute(new WorkHistoryQuery(claimId));
  }

  @Put(':claimId/assignment')
  @ApiOperation({
    summary: 'Assign the claim to a person (an active analyst or editor key), or reassign it',
    tags,
    params: ClaimIdParams,
    body: AssignClaimRequest,
    headers: IF_MATCH,
    responses: { 200: WorkViewResponse },
    problems: [404, 409, 412, 422],
  })
  @RequirePermission('work:assign')
  async assign(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(AssignClaimRequest)) body: AssignClaimRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkViewResponse> {
    return withWork(response, await this.commands.execute(new AssignClaimCommand(claimId, body.assignee, context)));
  }

  @Delete(':claimId/assignment')
  @ApiOperation({ summary: 'Unassign the claim', tags, params: ClaimIdParams, headers: IF_MATCH, body: NoRequestBody, responses: { 200: WorkViewResponse }, problems: [404, 409, 412] })
  @RequirePermission('work:assign')
  async unassign(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(NoRequestBody)) _body: NoRequestBody,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkViewResponse> {
    return withWork(response, await this.commands.execute(new UnassignClaimCommand(claimId, context)));
  }

  @Put(':claimId/work-state')
  @ApiOperation({
    summary: "Move the claim's work to another state",
    description:
      'new → in_progress | on_hold; in_progress → help_needed | ready_for_review | on_hold; help_needed → in_progress | on_hold; ' +
      'ready_for_review → in_progress, or → done (work:review, editors); on_hold → in_progress | new; done → in_progress (reopen: work:review). ' +
      'Another move answers 409 WORK_STATE_TRANSITION_REFUSED; a review move without work:review, 403 WORK_REVIEW_REQUIRED.',
    tags,
    params: ClaimIdParams,
    body: ChangeWorkStateRequest,
    headers: IF_MATCH,
    responses: { 200: WorkViewResponse },
    problems: [403, 404, 409, 412],
  })
  @RequirePermission('work:progress')
  async changeWorkState(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(ChangeWorkStateRequest)) body: ChangeWorkStateRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkViewResponse> {
    return withWork(response, await this.commands.execute(new ChangeWorkStateCommand(claimId, body, context)));
  }

  @Get(':claimId/tasks')
  @ApiOperation({
    summary: "The claim's checklist (its category's template, unticked, until the first task change seeds it)",
    tags,
    params: ClaimIdParams,
    responses: { 200: WorkTasksResponse },
    problems: [404],
  })
  @RequirePermission('work:read')
  async tasks(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkTasksResponse> {
    const { claimId: id, checklistTemplate, seeded, tasks, version } = await this.queries.execute(new GetWorkQuery(claimId, context));
    return withWork(response, { claimId: id, checklistTemplate, seeded, tasks, version });
  }

  @Post(':claimId/tasks')
  @HttpCode(201)
  @ApiOperation({
    summary: "Add a task to the claim's checklist; its id is the slug of its name",
    tags,
    params: ClaimIdParams,
    body: AddTaskRequest,
    headers: IF_MATCH,
    responses: { 201: WorkViewResponse },
    problems: [404, 409, 412],
  })
  @RequirePermission('work:tasks')
  async addTask(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(AddTaskRequest)) body: AddTaskRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkViewResponse> {
    const work: WorkViewResponse = await this.commands.execute(new AddTaskCommand(claimId, body.name, context));
    const added = work.tasks.find((task) => task.name === body.name.trim());
    if (added) response.setHeader('Location', `/claims/${claimId}/tasks/${added.taskId}`);
    return withWork(response, work);
  }

  @Put(':claimId/tasks/:taskId')
  @ApiOperation({ summary: 'Tick or untick a task, named by its id or its name', tags, params: TaskIdParams, body: SetTaskRequest, headers: IF_MATCH, responses: { 200: WorkViewResponse }, problems: [404, 409, 412] })
  @RequirePermission('work:tasks')
  async setTask(
    @Param(new ZodValidationPipe(TaskIdParams)) { claimId, taskId }: TaskIdParams,
    @Body(new ZodValidationPipe(SetTaskRequest)) body: SetTaskRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkViewResponse> {
    return withWork(response, await this.commands.execute(new SetTaskCommand(claimId, taskIdOf(taskId) || taskId, body.done, context)));
  }

  @Get(':claimId/comments')
  @ApiOperation({ summary: "The claim's comments, oldest first, with cursor pagination", tags, params: ClaimIdParams, query: CommentListQuery, responses: { 200: CommentListResponse }, problems: [404] })
  @RequirePermission('work:read')
  async comments(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Query(new ZodValidationPipe(CommentListQuery)) query: CommentListQuery,
  ): Promise<CommentListResponse> {
    const after = query.cursor === undefined ? undefined : decodeCommentCursor(query.cursor);
    if (query.cursor !== undefined && after === undefined) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', 'query.cursor: not a cursor this API returned', {
        field: 'query.cursor',
        errors: [{ field: 'query.cursor', message: 'not a cursor this API returned' }],
      });
    }
    return this.queries.execute(new ListCommentsQuery(claimId, { limit: query.limit, ...(after !== undefined ? { after } : {}) }));
  }

  @Post(':claimId/comments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Comment on the claim, or on one of its reports (markdown text, stored and returned as text, never rendered)',
    tags,
    params: ClaimIdParams,
    body: PostCommentRequest,
    headers: IF_MATCH,
    responses: { 201: CommentResponse },
    problems: [404, 409, 412, 422],
  })
  @RequirePermission('work:comment')
  async postComment(
    @Param(new ZodValidationPipe(ClaimIdParams)) { claimId }: ClaimIdParams,
    @Body(new ZodValidationPipe(PostCommentRequest)) body: PostCommentRequest,
    @RequestContext() context: RequestContextValue,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommentResponse> {
    const { comment, version } = await this.commands.execute(new PostCommentCommand(claimId, newResourceId(context, 'comment'), body, context));
    response.setHeader('Location', `/claims/${claimId}/comments#${comment.commentId}`);
    response.setHeader('ETag', `"${version}"`);
    return comment;
  }
}
