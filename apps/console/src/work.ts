import { api, ApiProblem } from './api';
import { announce, h, replace } from './dom';
import { buildForm } from './forms';
import { time, when, words, workBadge } from './format';
import type { Comment, Page, Person, WorkView } from './types';

const personName = (person: Person | null) => (person ? (person.name ?? person.keyId.slice(0, 8)) : 'nobody');

/**
 * The desk's work on a claim (F's workflow API, /tmp/team/F-G-contract.md): work state and its allowed
 * moves, assignee, checklist, comments. Re-renders from the WorkView each write answers with.
 */
export const workPanel = (claimId: string): HTMLElement => {
  const panel = h('section', { class: 'card work', 'aria-labelledby': 'work-heading', 'data-testid': 'work-panel' }, h('h2', { id: 'work-heading' }, 'Desk work'), h('p', { class: 'muted' }, 'Loading…'));
  const base = `/claims/${encodeURIComponent(claimId)}`;
  let people: { keyId: string; name: string | null; role: string }[] = [];

  const render = (work: WorkView, comments: Comment[]) => {
    const stateError = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'work-state-error' });
    const stateButtons = work.allowedTransitions.map((state) =>
      h('button', { type: 'button', class: 'secondary', onclick: () => write(() => api<WorkView>(`${base}/work-state`, { method: 'PUT', body: { state } }), stateError) }, `Move to ${words(state)}`),
    );
    const assignForm = buildForm({
      id: 'assign-form',
      fields: [
        {
          name: 'assignee',
          label: 'Assignee',
          type: 'select',
          required: true,
          value: work.assignee?.keyId ?? '',
          options: [['', 'Choose a person…'], ...people.map((person) => [person.keyId, `${person.name ?? person.keyId.slice(0, 8)} (${person.role})`] as const)],
        },
      ],
      submit: 'Assign',
      onSubmit: async ({ assignee }) => {
        const { body } = await api<WorkView>(`${base}/assignment`, { method: 'PUT', body: { assignee } });
        await refresh(body);
        announce(`Assigned to ${personName(body.assignee)}`);
      },
    });
    const checklistError = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'tasks-error' });
    const tasks = h(
      'ul',
      { class: 'checklist', 'aria-label': 'Checklist' },
      ...work.tasks.map((task) => {
        const id = `task-${task.taskId}`;
        const box = h('input', { type: 'checkbox', id, checked: task.done, 'data-task-id': task.taskId });
        box.addEventListener('change', () => void write(() => api<WorkView>(`${base}/tasks/${encodeURIComponent(task.taskId)}`, { method: 'PUT', body: { done: box.checked } }), checklistError));
        return h(
          'li',
          { class: task.done ? 'done' : '' },
          box,
          h('label', { for: id }, task.name),
          task.done && task.doneBy ? h('span', { class: 'muted small' }, ` ticked by ${personName(task.doneBy)}, ${when(task.doneAt)}`) : null,
        );
      }),
    );
    const addTask = buildForm({
      id: 'add-task-form',
      fields: [{ name: 'name', label: 'New checklist item', required: true }],
      submit: 'Add item',
      onSubmit: async ({ name }) => {
        const { body } = await api<WorkView>(`${base}/tasks`, { method: 'POST', body: { name } });
        await refresh(body);
      },
    });
    const commentForm = buildForm({
      id: 'comment-form',
      fields: [{ name: 'body', label: 'Comment', type: 'textarea', required: true, hint: 'Markdown is kept as written and shown as plain text.' }],
      submit: 'Post comment',
      onSubmit: async ({ body }) => {
        await api<Comment>(`${base}/comments`, { method: 'POST', body: { body } });
        await refresh();
      },
    });
    replace(
      panel,
      h('h2', { id: 'work-heading' }, 'Desk work'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Work state'),
        h('dd', { 'data-testid': 'work-state' }, workBadge(work.workState)),
        h('dt', {}, 'Assigned to'),
        h('dd', { 'data-testid': 'assignee' }, personName(work.assignee)),
        h('dt', {}, 'Last activity'),
        h('dd', {}, when(work.lastActivityAt)),
      ),
      stateButtons.length ? h('div', { class: 'button-row', role: 'group', 'aria-label': 'Change the work state' }, ...stateButtons) : null,
      stateError,
      assignForm,
      work.assignee ? h('button', { type: 'button', class: 'link-button', onclick: () => write(() => api<WorkView>(`${base}/assignment`, { method: 'DELETE' }), stateError) }, 'Unassign') : null,
      h('h3', {}, 'Checklist'),
      tasks,
      checklistError,
      addTask,
      h('h3', {}, `Comments (${comments.length})`),
      h(
        'ol',
        { class: 'comments', 'data-testid': 'comments' },
        ...comments.map((comment) =>
          h('li', {}, h('div', { class: 'comment-meta' }, h('strong', {}, personName(comment.author)), ' · ', time(comment.postedAt)), h('p', { class: 'comment-body' }, comment.body)),
        ),
      ),
      commentForm,
    );
  };

  const write = async (call: () => Promise<{ body: WorkView }>, errorAt: HTMLElement) => {
    errorAt.hidden = true;
    try {
      const { body } = await call();
      await refresh(body);
    } catch (error) {
      const problem = error instanceof ApiProblem ? error.problem : null;
      errorAt.textContent = problem ? `${problem.title} (${problem.code})${problem.detail ? `: ${problem.detail}` : ''}` : String(error);
      errorAt.hidden = false;
    }
  };

  const refresh = async (work?: WorkView) => {
    const [view, comments] = await Promise.all([
      work ? Promise.resolve(work) : api<WorkView>(`${base}/work`).then((answer) => answer.body),
      api<Page<Comment>>(`${base}/comments?limit=100`).then((answer) => answer.body.items),
    ]);
    render(view, comments);
  };

  void (async () => {
    try {
      people = (await api<{ items: typeof people }>('/desk/people')).body.items;
      await refresh();
    } catch (error) {
      replace(
        panel,
        h('h2', { id: 'work-heading' }, 'Desk work'),
        h('p', { class: 'muted' }, error instanceof ApiProblem && error.problem.status === 404 ? 'The desk workflow is not available on this server.' : `Could not load the desk work: ${String(error instanceof Error ? error.message : error)}`),
      );
    }
  })();
  return panel;
};
