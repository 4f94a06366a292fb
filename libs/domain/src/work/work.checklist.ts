import type { ClaimCategory } from '@claims/contracts';

/** The slug a task's name gives its id: `Check the date` → `check-the-date`. */
export const taskIdOf = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/, '');

const FIND_ORIGINAL = 'find the original source';
const GEOLOCATE = 'geolocate';
const CHECK_DATE = 'check the date';
const ARCHIVE = 'archive the evidence';
const SECOND_SOURCE = 'contact a second source';

/**
 * The checklist a desk starts each claim with, by category: what verifying that kind of claim takes. A
 * claim's checklist is seeded from its template once (the `ChecklistSeeded` event keeps the items), so
 * editing a template here changes claims seeded afterwards only.
 */
export const CHECKLIST_TEMPLATES: Readonly<Record<ClaimCategory | 'default', readonly string[]>> = {
  default: [FIND_ORIGINAL, GEOLOCATE, CHECK_DATE, ARCHIVE, SECOND_SOURCE],
  attack: [FIND_ORIGINAL, GEOLOCATE, CHECK_DATE, ARCHIVE, SECOND_SOURCE],
  execution: [FIND_ORIGINAL, GEOLOCATE, CHECK_DATE, 'identify the victims', ARCHIVE, SECOND_SOURCE],
  clash: [FIND_ORIGINAL, GEOLOCATE, CHECK_DATE, 'identify the parties', ARCHIVE, SECOND_SOURCE],
  casualty_figure: [FIND_ORIGINAL, CHECK_DATE, 'reconcile the figures', ARCHIVE, SECOND_SOURCE],
  territorial_control: [FIND_ORIGINAL, GEOLOCATE, CHECK_DATE, 'check recent imagery', ARCHIVE, SECOND_SOURCE],
  statement: [FIND_ORIGINAL, 'confirm the speaker', CHECK_DATE, ARCHIVE, SECOND_SOURCE],
  other: [FIND_ORIGINAL, GEOLOCATE, CHECK_DATE, ARCHIVE, SECOND_SOURCE],
};

/** The template a claim of this category is seeded from, and its items with their ids. */
export const checklistTemplateOf = (category: ClaimCategory): { template: string; items: Array<{ taskId: string; name: string }> } => ({
  template: category,
  items: CHECKLIST_TEMPLATES[category].map((name) => ({ taskId: taskIdOf(name), name })),
});
