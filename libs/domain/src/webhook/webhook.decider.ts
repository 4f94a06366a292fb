import type { WebhookEvent, WebhookFilter } from '@claims/contracts';
import { assertNever, type Decider } from '../shared/decider';
import type { ChangeWebhook, DeleteWebhook, RegisterWebhook, RotateWebhookSecret, WebhookCommand } from './webhook.commands';
import { WebhookAlreadyRegistered, WebhookIsDeleted, WebhookNotFound } from './webhook.errors';

export interface RegisteredWebhook {
  status: 'active' | 'paused' | 'deleted';
  webhookId: string;
  url: string;
  description?: string;
  filter: WebhookFilter;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Set by the last rotation: until then the previous secret signs too. */
  previousSecretValidUntil?: string;
}

export type WebhookState = { status: 'none' } | RegisteredWebhook;

export const initialWebhookState = (): WebhookState => ({ status: 'none' });

const touched = (state: RegisteredWebhook, data: { recordedAt: string; recordedBy: string }): RegisteredWebhook => ({ ...state, updatedAt: data.recordedAt, updatedBy: data.recordedBy });

export const evolveWebhook = (state: WebhookState, event: WebhookEvent): WebhookState => {
  if (event.type === 'WebhookRegistered') {
    const { recordedAt, recordedBy, description, ...details } = event.data;
    return { status: 'active', ...details, ...(description ? { description } : {}), createdAt: recordedAt, createdBy: recordedBy, updatedAt: recordedAt, updatedBy: recordedBy };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'WebhookChanged': {
      const { url, description, filter } = event.data;
      const { description: _previous, ...rest } = state;
      const next = { ...rest, ...(url ? { url } : {}), ...(filter ? { filter } : {}) };
      const kept = description === undefined ? state.description : (description ?? undefined);
      return touched(kept ? { ...next, description: kept } : next, event.data);
    }
    case 'WebhookPaused':
      return touched({ ...state, status: 'paused' }, event.data);
    case 'WebhookResumed':
      return touched({ ...state, status: 'active' }, event.data);
    case 'WebhookDeleted':
      return touched({ ...state, status: 'deleted' }, event.data);
    case 'WebhookSecretRotated':
      return touched({ ...state, previousSecretValidUntil: event.data.previousSecretValidUntil }, event.data);
    default:
      return assertNever(event);
  }
};

const sameFilter = (a: WebhookFilter, b: WebhookFilter): boolean =>
  a.claim === b.claim && JSON.stringify([...(a.status ?? [])].sort()) === JSON.stringify([...(b.status ?? [])].sort());

const register = ({ data, metadata }: RegisterWebhook, state: WebhookState): WebhookEvent[] => {
  if (state.status !== 'none') {
    const same = state.url === data.url && state.description === data.description && sameFilter(state.filter, data.filter);
    if (same) return [];
    throw new WebhookAlreadyRegistered(data.webhookId);
  }
  const { description, ...rest } = data;
  return [{ type: 'WebhookRegistered', data: { ...rest, ...(description ? { description } : {}), recordedAt: metadata.now, recordedBy: metadata.actor } }];
};

const live = (state: WebhookState, webhookId: string): RegisteredWebhook => {
  if (state.status === 'none') throw new WebhookNotFound(webhookId);
  if (state.status === 'deleted') throw new WebhookIsDeleted(webhookId);
  return state;
};

const change = ({ data, metadata }: ChangeWebhook, state: WebhookState): WebhookEvent[] => {
  const current = live(state, data.webhookId);
  const recorded = { recordedAt: metadata.now, recordedBy: metadata.actor };
  const events: WebhookEvent[] = [];
  // Only what differs is recorded: a PATCH repeating the current values writes nothing.
  const url = data.url !== undefined && data.url !== current.url ? data.url : undefined;
  const filter = data.filter !== undefined && !sameFilter(data.filter, current.filter) ? data.filter : undefined;
  const description = data.description !== undefined && (data.description ?? undefined) !== current.description ? data.description : undefined;
  if (url !== undefined || filter !== undefined || description !== undefined) {
    events.push({
      type: 'WebhookChanged',
      data: { webhookId: data.webhookId, ...(url !== undefined ? { url } : {}), ...(description !== undefined ? { description } : {}), ...(filter !== undefined ? { filter } : {}), ...recorded },
    });
  }
  if (data.paused === true && current.status === 'active') events.push({ type: 'WebhookPaused', data: { webhookId: data.webhookId, ...recorded } });
  if (data.paused === false && current.status === 'paused') events.push({ type: 'WebhookResumed', data: { webhookId: data.webhookId, ...recorded } });
  return events;
};

const remove = ({ data, metadata }: DeleteWebhook, state: WebhookState): WebhookEvent[] => {
  if (state.status === 'none') throw new WebhookNotFound(data.webhookId);
  // Deleting twice changes nothing: the first deletion stands.
  if (state.status === 'deleted') return [];
  return [{ type: 'WebhookDeleted', data: { webhookId: data.webhookId, recordedAt: metadata.now, recordedBy: metadata.actor } }];
};

const rotate = ({ data, metadata }: RotateWebhookSecret, state: WebhookState): WebhookEvent[] => {
  live(state, data.webhookId);
  return [{ type: 'WebhookSecretRotated', data: { webhookId: data.webhookId, previousSecretValidUntil: data.previousSecretValidUntil, recordedAt: metadata.now, recordedBy: metadata.actor } }];
};

export const decideWebhook = (command: WebhookCommand, state: WebhookState): WebhookEvent[] => {
  switch (command.type) {
    case 'RegisterWebhook':
      return register(command, state);
    case 'ChangeWebhook':
      return change(command, state);
    case 'DeleteWebhook':
      return remove(command, state);
    case 'RotateWebhookSecret':
      return rotate(command, state);
    default:
      return assertNever(command);
  }
};

/** Webhook endpoint stream decider: one stream per endpoint, `webhook-<uuid>`. */
export const webhookDecider: Decider<WebhookState, WebhookCommand, WebhookEvent> = {
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
};
