import type { ApiKeyRole, ClaimCategory, CommentResponse, DeskPerson, WorkTasksResponse, WorkViewResponse } from '@claims/contracts';
import { allowedWorkTransitions, checklistTemplateOf, roleHasPermission } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import type { WorkCommentRow, WorkView } from '@claims/projections';
import type { RequestContextValue } from '../http/request-context';
import { keyNames } from './desk-people';

const person = (keyId: string, names: Map<string, string>): DeskPerson => ({ keyId, name: names.get(keyId) ?? null });

/**
 * The checklist as the desk sees it: the seeded one, or (before the first task change) the template of the
 * claim's category, unticked. Reading never seeds: a GET writes nothing.
 */
export const tasksResponse = async (db: Queryable, claimId: string, category: ClaimCategory, view: WorkView | undefined): Promise<WorkTasksResponse> => {
  const seeded = view?.template !== null && view?.template !== undefined;
  const template = checklistTemplateOf(category);
  const tasks = seeded ? view.tasks : template.items.map((item) => ({ ...item, done: false, doneBy: null, doneAt: null }));
  const names = await keyNames(db, tasks.flatMap((task) => (task.doneBy ? [task.doneBy] : [])));
  return {
    claimId,
    checklistTemplate: seeded ? view.template! : template.template,
    seeded,
    tasks: tasks.map((task) => ({ ...task, doneBy: task.doneBy ? person(task.doneBy, names) : null })),
    version: view?.version ?? 0,
  };
};

/** A claim's work, with names for the keys it mentions and the moves the caller may make. */
export const workViewResponse = async (
  db: Queryable,
  claimId: string,
  category: ClaimCategory,
  view: WorkView | undefined,
  context: RequestContextValue,
): Promise<WorkViewResponse> => {
  const tasks = await tasksResponse(db, claimId, category, view);
  const workState = view?.workState ?? 'new';
  const names = view?.assignee ? await keyNames(db, [view.assignee]) : new Map<string, string>();
  const role = context.actor.role as ApiKeyRole | undefined;
  const mayProgress = role !== undefined && roleHasPermission(role, 'work:progress');
  return {
    ...tasks,
    workState,
    assignee: view?.assignee ? person(view.assignee, names) : null,
    commentCount: view?.commentCount ?? 0,
    lastActivityAt: view?.lastActivityAt ?? null,
    allowedTransitions: mayProgress ? allowedWorkTransitions(workState, roleHasPermission(role, 'work:review')) : [],
  };
};

export const commentResponses = async (db: Queryable, rows: readonly WorkCommentRow[]): Promise<CommentResponse[]> => {
  const names = await keyNames(db, rows.map((row) => row.author));
  return rows.map((row) => ({ commentId: row.commentId, body: row.body, reportId: row.reportId, author: person(row.author, names), postedAt: row.postedAt }));
};
