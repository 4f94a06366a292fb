import type { WebhookEvent } from '@claims/contracts';
import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../testing/decider-specification';
import { webhookDecider } from './webhook.decider';
import { WebhookAlreadyRegistered, WebhookIsDeleted, WebhookNotFound } from './webhook.errors';

const given = deciderSpecification(webhookDecider);
const webhookId = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const admin = { now: '2025-01-10T09:00:00Z', actor: 'key-admin' };
const later = { now: '2025-01-11T09:00:00Z', actor: 'key-admin-2' };
const recordedLater = { recordedAt: later.now, recordedBy: later.actor };

const register = {
  type: 'RegisterWebhook' as const,
  data: { webhookId, url: 'https://hooks.example.org/claims', description: 'newsroom bot', filter: { status: ['false' as const] } },
  metadata: admin,
};
const registered: WebhookEvent = { type: 'WebhookRegistered', data: { ...register.data, recordedAt: admin.now, recordedBy: admin.actor } };
const deleted: WebhookEvent = { type: 'WebhookDeleted', data: { webhookId, ...recordedLater } };
const change = (data: Record<string, unknown>) => ({ type: 'ChangeWebhook' as const, data: { webhookId, ...data }, metadata: later });

describe('webhook decider', () => {
  it('registers an endpoint without any secret in the event', () => given([]).when(register).then([registered]));
  it('treats an identical retry as a no-op', () => given([registered]).when(register).thenNothingHappens());
  it('refuses the same id with another URL', () =>
    given([registered]).when({ ...register, data: { ...register.data, url: 'https://other.example.org/' } }).thenThrows(WebhookAlreadyRegistered, { kind: 'conflict' }));

  it('records only the fields that differ, then a pause', () =>
    given([registered])
      .when(change({ url: register.data.url, filter: { claim: 'c-1' }, paused: true }))
      .then([
        { type: 'WebhookChanged', data: { webhookId, filter: { claim: 'c-1' }, ...recordedLater } },
        { type: 'WebhookPaused', data: { webhookId, ...recordedLater } },
      ]));
  it('writes nothing for a change to the current values', () => given([registered]).when(change({ description: 'newsroom bot', paused: false })).thenNothingHappens());
  it('resumes a paused endpoint and removes a description with null', () => {
    const paused: WebhookEvent = { type: 'WebhookPaused', data: { webhookId, ...recordedLater } };
    const events = webhookDecider.decide(change({ paused: false, description: null }), foldEvents(webhookDecider, [registered, paused]));
    expect(events.map((event) => event.type)).toEqual(['WebhookChanged', 'WebhookResumed']);
    const state = foldEvents(webhookDecider, [registered, paused, ...events]);
    expect(state).toMatchObject({ status: 'active', updatedBy: later.actor });
    expect(state).not.toHaveProperty('description');
  });
  it('rotates the secret with the end of the grace period', () =>
    given([registered])
      .when({ type: 'RotateWebhookSecret', data: { webhookId, previousSecretValidUntil: '2025-01-12T09:00:00Z' }, metadata: later })
      .then([{ type: 'WebhookSecretRotated', data: { webhookId, previousSecretValidUntil: '2025-01-12T09:00:00Z', ...recordedLater } }]));
  it('deletes once; a deleted endpoint can be neither changed nor rotated', () => {
    given([registered]).when({ type: 'DeleteWebhook', data: { webhookId }, metadata: later }).then([deleted]);
    given([registered, deleted]).when({ type: 'DeleteWebhook', data: { webhookId }, metadata: later }).thenNothingHappens();
    given([registered, deleted]).when(change({ paused: true })).thenThrows(WebhookIsDeleted);
    given([registered, deleted]).when({ type: 'RotateWebhookSecret', data: { webhookId, previousSecretValidUntil: later.now }, metadata: later }).thenThrows(WebhookIsDeleted);
  });
  it('refuses an unknown endpoint', () => given([]).when(change({ paused: true })).thenThrows(WebhookNotFound, { code: 'WEBHOOK_NOT_FOUND' }));
});
