import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { type ApiKeyRole, DeskMeResponse, DeskPeopleResponse, DeskQueueQuery as DeskQueueParams, DeskQueueResponse } from '@claims/contracts';
import { ROLE_PERMISSIONS } from '@claims/domain';
import { decodeClaimCursor } from '@claims/projections';
import { RequirePermission } from '../auth/access.decorators';
import { ApiOperation } from '../http/openapi';
import { HttpProblem } from '../http/problem';
import { RequestContext, type RequestContextValue } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { DeskPeopleQuery } from './desk-people.query';
import { DeskQueueQuery } from './desk-queue.query';

const tags = ['desk'];

/** The desk's queues and the people claims can be assigned to. */
@Controller('desk')
export class DeskController {
  constructor(private readonly queries: QueryBus) {}

  @Get('queue')
  @ApiOperation({
    summary: 'The work queue: claims with their status, confidence and work, filtered (assignee, work state, unassigned, contested, idle days) and paginated like /claims',
    tags,
    query: DeskQueueParams,
    responses: { 200: DeskQueueResponse },
  })
  @RequirePermission('work:read')
  queue(@Query(new ZodValidationPipe(DeskQueueParams)) query: DeskQueueParams, @RequestContext() context: RequestContextValue): Promise<DeskQueueResponse> {
    const { cursor, assignee, ...filters } = query;
    const after = cursor === undefined ? undefined : decodeClaimCursor(cursor);
    if (cursor !== undefined && !after) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', 'query.cursor: not a cursor this API returned', {
        field: 'query.cursor',
        errors: [{ field: 'query.cursor', message: 'not a cursor this API returned' }],
      });
    }
    return this.queries.execute(
      new DeskQueueQuery({
        ...filters,
        ...(assignee !== undefined ? { assignee: assignee === 'me' ? context.actor.id : assignee } : {}),
        ...(after ? { after } : {}),
        now: context.now.toISOString(),
      }),
    );
  }

  @Get('me')
  @ApiOperation({ summary: "The caller's own key: id, name, role and permissions (never a secret)", tags, responses: { 200: DeskMeResponse } })
  @RequirePermission('work:read')
  me(@RequestContext() context: RequestContextValue): DeskMeResponse {
    const role = context.actor.role as ApiKeyRole;
    return { keyId: context.actor.id, name: context.actor.name ?? null, role, permissions: [...ROLE_PERMISSIONS[role]] };
  }

  @Get('people')
  @ApiOperation({ summary: 'The people claims can be assigned to: active analyst and editor keys (id, name, role; never a secret)', tags, responses: { 200: DeskPeopleResponse } })
  @RequirePermission('work:read')
  people(@RequestContext() context: RequestContextValue): Promise<DeskPeopleResponse> {
    return this.queries.execute(new DeskPeopleQuery(context.now));
  }
}
