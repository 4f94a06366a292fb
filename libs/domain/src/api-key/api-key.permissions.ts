import type { ApiKeyRole } from '@claims/contracts';

/**
 * What a route may require. Every HTTP route declares exactly one of these (or is public); a role holds
 * a fixed set. `history:read`, `audit:verify` and `audit:export` are for the audit routes to come.
 */
export const PERMISSIONS = [
  'sources:read',
  'sources:register',
  'sources:update',
  'sources:regrade',
  // Confidential sources (docs/protection.md): reading their identity, destroying their data key, reviewing who read it.
  'sources:confidential:read',
  'sources:erase',
  'protection:access-log:read',
  'claims:read',
  'claims:open',
  'claims:report',
  'claims:evidence',
  'claims:amend',
  'claims:verdict',
  'claims:merge',
  'history:read',
  'audit:verify',
  'audit:export',
  // Recording a witness's cosignature of a checkpoint: an auditor's act, and an administrator's (who runs the witnesses).
  'audit:cosign',
  'feed:read',
  'keys:manage',
  'webhooks:manage',
  'work:read',
  'work:assign',
  'work:progress',
  'work:review',
  'work:tasks',
  'work:comment',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Following status changes (feed:read) tells a reader nothing `GET /claims` does not: it pushes instead of polling,
// so the review console updates live for every key that reads claims.
const READER: readonly Permission[] = ['sources:read', 'claims:read', 'work:read', 'feed:read'];
// The desk's work (assignments, work states, checklists, comments) is an analyst's; closing a review is an editor's.
const DESK_WORK: readonly Permission[] = ['work:assign', 'work:progress', 'work:tasks', 'work:comment'];
// The desk reads a claim's history (who logged what, the assessment after each step: the console's timeline);
// a reader sees the claim, not the team's attribution.
const ANALYST: readonly Permission[] = [...READER, 'sources:register', 'claims:open', 'claims:report', 'claims:evidence', ...DESK_WORK, 'history:read'];

/**
 * The rights of each role. An editor has an analyst's rights plus the editorial acts: verdicts, merges,
 * statement amendments, and source changes that re-assess claims (re-grades, affiliation and details).
 * `admin` only manages keys (and webhook endpoints): whoever hands out rights does not use them unseen.
 */
export const ROLE_PERMISSIONS: Readonly<Record<ApiKeyRole, readonly Permission[]>> = {
  reader: READER,
  analyst: ANALYST,
  editor: [...ANALYST, 'sources:update', 'sources:regrade', 'claims:amend', 'claims:verdict', 'claims:merge', 'work:review', 'sources:confidential:read'],
  auditor: [...READER, 'history:read', 'audit:verify', 'audit:export', 'audit:cosign'],
  feed: ['feed:read'],
  admin: ['keys:manage', 'webhooks:manage', 'audit:cosign'],
  // Guards the people in the record: reads their identity, erases it, reviews who read it; changes nothing else.
  protector: [...READER, 'sources:confidential:read', 'sources:erase', 'protection:access-log:read'],
};

export const roleHasPermission = (role: ApiKeyRole, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);
