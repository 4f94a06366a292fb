import type { WorkEvent } from '@claims/contracts';
import { checklistTemplateOf, foldEvents, workDecider } from '@claims/domain';
import { workCommentOf, workViewOf } from './work-view.projection';

const claimId = 'c-1';
const at = (minute: number) => ({ recordedAt: `2026-03-01T10:0${minute}:00Z`, recordedBy: 'key-1' });
const events: WorkEvent[] = [
  { type: 'ClaimAssigned', data: { claimId, assignee: 'key-2', previousAssignee: null, ...at(1) } },
  { type: 'ChecklistSeeded', data: { claimId, ...checklistTemplateOf('statement'), ...at(2) } },
  { type: 'TaskTicked', data: { claimId, taskId: 'confirm-the-speaker', ...at(3) } },
  { type: 'CommentPosted', data: { claimId, commentId: 'm-1', body: '<b>not html</b>', reportId: 'r-1', ...at(4) } },
];

describe('work view projection', () => {
  it('is the folded stream as a row: state, assignee, checklist with who ticked what, comment count, last activity', () => {
    const view = workViewOf(claimId, foldEvents(workDecider, events), { version: 4, position: 99 });
    expect(view).toMatchObject({ claimId, version: 4, position: 99, workState: 'new', assignee: 'key-2', template: 'statement', commentCount: 1, lastActivityAt: '2026-03-01T10:04:00Z' });
    expect(view.tasks.find((task) => task.taskId === 'confirm-the-speaker')).toEqual({ taskId: 'confirm-the-speaker', name: 'confirm the speaker', done: true, doneBy: 'key-1', doneAt: '2026-03-01T10:03:00Z' });
    expect(view.tasks.filter((task) => !task.done).every((task) => task.doneBy === null && task.doneAt === null)).toBe(true);
  });

  it('makes one comment row per posted comment, at its stream version, the body as text', () => {
    expect(events.map((event, index) => workCommentOf(claimId, index + 1, event))).toEqual([
      undefined,
      undefined,
      undefined,
      { claimId, version: 4, commentId: 'm-1', body: '<b>not html</b>', reportId: 'r-1', author: 'key-1', postedAt: '2026-03-01T10:04:00Z' },
    ]);
  });
});
