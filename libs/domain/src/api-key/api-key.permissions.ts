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
  'feed:read',
  'keys:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READER: readonly Permission[] = ['sources:read', 'claims:read'];
const ANALYST: readonly Permission[] = [...READER, 'sources:register', 'claims:open', 'claims:report', 'claims:evidence'];

/**
 * The rights of each role. An editor has an analyst's rights plus the editorial acts: verdicts, merges,
 * statement amendments, and source changes that re-assess claims (re-grades, affiliation and details).
 * `admin` only manages keys: whoever hands out rights does not use them unseen.
 */
export const ROLE_PERMISSIONS: Readonly<Record<ApiKeyRole, readonly Permission[]>> = {
  reader: READER,
  analyst: ANALYST,
  editor: [...ANALYST, 'sources:update', 'sources:regrade', 'claims:amend', 'claims:verdict', 'claims:merge'],
  auditor: [...READER, 'history:read', 'audit:verify', 'audit:export', 'feed:read'],
  feed: ['feed:read'],
  admin: ['keys:manage'],
};

export const roleHasPermission = (role: ApiKeyRole, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);
