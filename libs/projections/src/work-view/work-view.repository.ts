import type { WorkState } from '@claims/contracts';
import type { Queryable } from '@claims/event-store';
import type { WorkCommentRow, WorkView, WorkViewTask } from './work-view.projection';

// Identifiers here come from constants, never from input.
const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

const VIEW_COLUMNS = ['claim_id', 'version', 'position', 'work_state', 'assignee', 'template', 'tasks', 'comment_count', 'last_activity_at'] as const;
const VIEW_TYPES = ['text', 'int', 'bigint', 'text', 'text', 'text', 'jsonb', 'int', 'timestamptz'] as const;
const COMMENT_COLUMNS = ['claim_id', 'version', 'comment_id', 'body', 'report_id', 'author', 'posted_at'] as const;
const COMMENT_TYPES = ['text', 'int', 'text', 'text', 'text', 'text', 'timestamptz'] as const;

interface WorkViewRow {
  claim_id: string;
  version: number;
  position: string;
  work_state: WorkState;
  assignee: string | null;
  template: string | null;
  tasks: WorkViewTask[];
  comment_count: number;
  last_activity_at: Date;
}

const fromRow = (row: WorkViewRow): WorkView => ({
  claimId: row.claim_id,
  version: row.version,
  position: Number(row.position),
  workState: row.work_state,
  assignee: row.assignee,
  template: row.template,
  tasks: row.tasks,
  commentCount: row.comment_count,
  lastActivityAt: row.last_activity_at.toISOString(),
});

const viewValues = (view: WorkView): unknown[] => [
  view.claimId,
  view.version,
  view.position,
  view.workState,
  view.assignee,
  view.template,
  JSON.stringify(view.tasks),
  view.commentCount,
  view.lastActivityAt,
];

const commentValues = (row: WorkCommentRow): unknown[] => [row.claimId, row.version, row.commentId, row.body, row.reportId, row.author, row.postedAt];

const placeholders = (rows: number, types: readonly string[]) =>
  Array.from({ length: rows }, (_, row) => `(${types.map((type, column) => `$${row * types.length + column + 1}::${type}`).join(', ')})`).join(', ');

/** Upserts work rows into `table` (`work_view`, or its rebuild shadow). */
export const writeWorkViewRows = async (db: Queryable, table: string, views: readonly WorkView[]): Promise<void> => {
  for (let start = 0; start < views.length; start += 1000) {
    const chunk = views.slice(start, start + 1000);
    await db.query(
      `INSERT INTO ${quote(table)} (${VIEW_COLUMNS.join(', ')}) VALUES ${placeholders(chunk.length, VIEW_TYPES)}
       ON CONFLICT (claim_id) DO UPDATE SET ${VIEW_COLUMNS.slice(1).map((name) => `${name} = EXCLUDED.${name}`).join(', ')}`,
      chunk.flatMap(viewValues),
    );
  }
};

/** Inserts comment rows into `table` (`work_comments`, or its shadow); a row already there is kept. */
export const writeWorkCommentRows = async (db: Queryable, table: string, rows: readonly WorkCommentRow[]): Promise<void> => {
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    await db.query(
      `INSERT INTO ${quote(table)} (${COMMENT_COLUMNS.join(', ')}) VALUES ${placeholders(chunk.length, COMMENT_TYPES)} ON CONFLICT (claim_id, version) DO NOTHING`,
      chunk.flatMap(commentValues),
    );
  }
};

export const findWorkView = async (db: Queryable, claimId: string): Promise<WorkView | undefined> => {
  const { rows } = await db.query<WorkViewRow>(`SELECT ${VIEW_COLUMNS.join(', ')} FROM work_view WHERE claim_id = $1`, [claimId]);
  return rows[0] ? fromRow(rows[0]) : undefined;
};

/** Keyset cursor of the comment list: the work stream version of the last comment of a page. */
export const encodeCommentCursor = (version: number): string => Buffer.from(JSON.stringify(['c', version])).toString('base64url');

export const decodeCommentCursor = (cursor: string): number | undefined => {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== 'c' || !Number.isSafeInteger(decoded[1]) || decoded[1] < 0) return undefined;
    return decoded[1] as number;
  } catch {
    return undefined;
  }
};

/** One page of a claim's comments, oldest first. */
export const listWorkComments = async (
  db: Queryable,
  claimId: string,
  options: { limit: number; after?: number },
): Promise<{ items: WorkCommentRow[]; next?: number }> => {
  const { rows } = await db.query<{ claim_id: string; version: number; comment_id: string; body: string; report_id: string | null; author: string; posted_at: Date }>(
    `SELECT ${COMMENT_COLUMNS.join(', ')} FROM work_comments WHERE claim_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
    [claimId, options.after ?? 0, options.limit + 1],
  );
  const page = rows.slice(0, options.limit).map((row) => ({
    claimId: row.claim_id,
    version: row.version,
    commentId: row.comment_id,
    body: row.body,
    reportId: row.report_id,
    author: row.author,
    postedAt: row.posted_at.toISOString(),
  }));
  const last = page.at(-1);
  return { items: page, ...(rows.length > options.limit && last ? { next: last.version } : {}) };
};
