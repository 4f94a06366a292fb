import { ApiProblem, type Problem } from './api';
import { announce, h, replace, uid } from './dom';

export interface FieldSpec {
  /** The request body path the API names in a problem's `field` (`reason`, `report.url`). */
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'select' | 'url' | 'number';
  options?: readonly (readonly [value: string, label: string])[];
  required?: boolean;
  value?: string;
  hint?: string;
  /** Other problem fields shown at this input (e.g. `report` for a problem about the whole report). */
  aliases?: string[];
}

export interface FormSpec {
  id: string;
  title?: string;
  fields: FieldSpec[];
  submit: string;
  /** Throws ApiProblem to show the API's refusal next to the fields. */
  onSubmit(values: Record<string, string>): Promise<void>;
}

const control = (field: FieldSpec, id: string, hintId: string | null, errorId: string): HTMLElement => {
  const common = { id, name: field.name, required: field.required, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), 'data-aliases': field.aliases?.join(' ') };
  if (field.type === 'textarea') return h('textarea', { ...common, rows: 3 }, field.value ?? '');
  if (field.type === 'select') {
    const select = h('select', common, ...(field.options ?? []).map(([value, label]) => h('option', { value }, label)));
    if (field.value !== undefined) select.value = field.value;
    return select;
  }
  return h('input', { ...common, type: field.type ?? 'text', value: field.value, autocomplete: 'off' });
};

/** A labelled form whose API problems appear next to the field they name, and in a summary. */
export const buildForm = (spec: FormSpec): HTMLFormElement => {
  const summary = h('div', { class: 'form-error', role: 'alert', 'data-testid': `${spec.id}-error`, hidden: true });
  const rows = spec.fields.map((field) => {
    const id = uid(`${spec.id}-${field.name.replaceAll('.', '-')}`);
    const hintId = field.hint ? `${id}-hint` : null;
    const errorId = `${id}-error`;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, field.label, field.required ? null : h('span', { class: 'optional' }, ' (optional)')),
      control(field, id, hintId, errorId),
      field.hint ? h('p', { class: 'hint', id: hintId! }, field.hint) : null,
      h('p', { class: 'field-error', id: errorId, hidden: true }),
    );
  });
  const button = h('button', { type: 'submit', class: 'primary' }, spec.submit);
  const form = h('form', { class: 'api-form', 'data-testid': spec.id, novalidate: true }, spec.title ? h('h3', {}, spec.title) : null, ...rows, summary, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblems(form);
    const values: Record<string, string> = {};
    for (const element of Array.from(form.elements)) {
      if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) values[element.name] = element.value.trim();
    }
    button.disabled = true;
    spec
      .onSubmit(values)
      .then(() => announce(`${spec.submit}: done`))
      .catch((error: unknown) => showProblem(form, error instanceof ApiProblem ? error.problem : { type: 'about:blank', title: String(error), status: 0, code: 'NETWORK' }))
      .finally(() => (button.disabled = false));
  });
  return form;
};

const clearProblems = (form: HTMLFormElement) => {
  form.querySelectorAll<HTMLElement>('.field-error, .form-error').forEach((element) => {
    element.hidden = true;
    element.textContent = '';
  });
  form.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
};

const inputFor = (form: HTMLFormElement, field: string): HTMLElement | null => {
  for (const element of Array.from(form.querySelectorAll<HTMLElement>('[name]'))) {
    const names = [element.getAttribute('name'), ...(element.dataset.aliases?.split(' ') ?? [])];
    if (names.includes(field)) return element;
  }
  return null;
};

/**
 * Shows an API problem in a form: each `errors[]` entry (or the single `field`) under the input of that
 * name, anything it cannot place in the form's summary, with the problem's code.
 */
export const showProblem = (form: HTMLFormElement, problem: Problem): void => {
  const fieldErrors = problem.errors?.length ? problem.errors : problem.field ? [{ field: problem.field, message: problem.detail ?? problem.title }] : [];
  const unplaced: string[] = [];
  let first: HTMLElement | null = null;
  for (const { field, message } of fieldErrors) {
    const input = inputFor(form, field);
    const error = input ? form.querySelector<HTMLElement>(`#${CSS.escape(input.id)}-error`) : null;
    if (!input || !error) {
      unplaced.push(`${field}: ${message}`);
      continue;
    }
    input.setAttribute('aria-invalid', 'true');
    error.textContent = message;
    error.hidden = false;
    first ??= input;
  }
  const summary = form.querySelector<HTMLElement>('.form-error')!;
  replace(summary, h('strong', {}, `${problem.title} (${problem.code})`), problem.detail && fieldErrors.length === 0 ? h('span', {}, ` ${problem.detail}`) : null, ...unplaced.map((line) => h('div', {}, line)));
  summary.hidden = false;
  (first ?? summary).focus?.();
};
