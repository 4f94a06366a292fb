import { api, ApiProblem } from './api';
import { h, replace } from './dom';
import { session } from './session';

/** Asks for the API key once per browser session, checks it against the API, and keeps it for the tab. */
export const loginPage = (root: HTMLElement, onSignedIn: () => void): void => {
  const error = h('p', { class: 'field-error', id: 'key-error', role: 'alert', hidden: true });
  const input = h('input', { id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'key-hint key-error' });
  const form = h(
    'form',
    { class: 'card login', 'data-testid': 'login-form' },
    h('h1', {}, 'Sign in to the review console'),
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input, h('p', { class: 'hint', id: 'key-hint' }, 'Your clk_… key. It is kept for this browser tab only and removed when you sign out or close the tab.')),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const key = input.value.trim();
    api('/claims?limit=1', { key })
      .then(() => {
        session.signIn(key);
        onSignedIn();
      })
      .catch((failure: unknown) => {
        error.textContent = failure instanceof ApiProblem ? `${failure.problem.title} (${failure.problem.code}): ${failure.problem.detail ?? ''}` : String(failure);
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      });
  });
  replace(root, form);
  input.focus();
};
