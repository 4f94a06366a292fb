import type { ClaimCategory, ClaimStatus, Icd203Band, PublishedStatus, WorkState } from '@claims/contracts';
import type { Queryable } from '@claims/event-store';

/** Keyset cursor: the `/claims` sort key (asserted_at, claim_id) of the last row of a page. */
export interface QueueCursor {
  assertedAt: string;
  claimId: string;
}

export interface WorkQueueFilters {
  assignee?: string;
  workState?: WorkState;
  unassigned?: boolean;
  contested?: boolean;
  status?: PublishedStatus;
  category?: ClaimCategory;
  /** With `now`: no claim or work event for at least this many days before `now`. */
  idleDays?: number;
  now: string;
  limit: number;
  after?: QueueCursor;
}

export interface WorkQueueRow {
  claimId: string;
  statement: string;
  category: ClaimCategory;
  status: PublishedStatus;
  computedStatus: ClaimStatus;
  confidence: number;
  band: Icd203Band;
  workState: WorkState;
  assignee: { keyId: string; name: string | null } | null;
  lastActivityAt: string;
  assertedAt: string;
  workVersion: number;
}

/**
 * One page of the desk's queue: claims (merged ones left out: their reports moved, and no work is taken on them) with
 * their work, every given filter applied, in `/claims` order (most recently asserted first). A claim with
 * no work row is `new` and unassigned. Its last activity is the later of its claim row's last event and
 * its last work event.
 */
export const listWorkQueue = async (db: Queryable, filters: WorkQueueFilters): Promise<{ items: WorkQueueRow[]; next?: QueueCursor }> => {
  const conditions = ['c.merged_into IS NULL'];
  const values: unknown[] = [];
  const where = (sql: (parameter: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filters.assignee !== undefined) where((p) => `w.assignee = ${p}`, filters.assignee);
  if (filters.workState !== undefined) where((p) => `coalesce(w.work_state, 'new') = ${p}`, filters.workState);
  if (filters.unassigned !== undefined) conditions.push(filters.unassigned ? 'w.assignee IS NULL' : 'w.assignee IS NOT NULL');
  if (filters.contested !== undefined) conditions.push(filters.contested ? `c.computed_status = 'contested'` : `c.computed_status <> 'contested'`);
  if (filters.status !== undefined) where((p) => `c.status = ${p}`, filters.status);
  if (filters.category !== undefined) where((p) => `c.category = ${p}`, filters.category);
  if (filters.idleDays !== undefined) {
    values.push(filters.now, filters.idleDays);
    conditions.push(`greatest(c.updated_at, w.last_activity_at) <= $${values.length - 1}::timestamptz - make_interval(days => $${values.length}::int)`);
  }
  if (filters.after) {
    values.push(filters.after.assertedAt, filters.after.claimId);
    conditions.push(`(c.asserted_at, c.claim_id) < ($${values.length - 1}::timestamptz, $${values.length})`);
  }
  values.push(filters.limit + 1);
  const { rows } = await db.query<{
    claim_id: string;
    statement: string;
    category: ClaimCategory;
    status: PublishedStatus;
    computed_status: ClaimStatus;
    confidence: number;
    band: Icd203Band;
    work_state: WorkState | null;
    assignee: string | null;
    assignee_name: string | null;
    last_activity_at: Date;
    asserted_at: Date;
    work_version: number | null;
  }>(
    `SELECT c.claim_id, c.statement, c.category, c.status, c.computed_status, c.confidence, c.band, w.work_state, w.assignee,
            k.name AS assignee_name, greatest(c.updated_at, w.last_activity_at) AS last_activity_at, c.asserted_at, w.version AS work_version
       FROM claim_view c
       LEFT JOIN work_view w ON w.claim_id = c.claim_id
       LEFT JOIN api_keys k ON k.key_id::text = w.assignee
      WHERE ${conditions.join(' AND ')}
      ORDER BY c.asserted_at DESC, c.claim_id DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      claimId: row.claim_id,
      statement: row.statement,
      category: row.category,
      status: row.status,
      computedStatus: row.computed_status,
      confidence: row.confidence,
      band: row.band,
      workState: row.work_state ?? 'new',
      assignee: row.assignee === null ? null : { keyId: row.assignee, name: row.assignee_name },
      lastActivityAt: row.last_activity_at.toISOString(),
      assertedAt: row.asserted_at.toISOString(),
      workVersion: row.work_version ?? 0,
    })),
    ...(rows.length > filters.limit && last ? { next: { assertedAt: last.asserted_at.toISOString(), claimId: last.claim_id } } : {}),
  };
};
