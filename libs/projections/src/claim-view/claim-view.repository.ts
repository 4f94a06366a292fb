import type { ClaimListQuery } from '@claims/contracts';
import { normaliseName, type ClaimAssessment, type OnRecordClaim } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import { actorKeysOf, sourceIdsOf, type ClaimHeadline, type ClaimView } from './claim-view.projection';
import { MAX_WIDENING_DAYS, OCCURRENCE_SPAN_SQL } from './occurrence-window';

interface ClaimViewRow {
  claim_id: string;
  version: number;
  position: string;
  updated_at: Date;
  claim: OnRecordClaim;
  assessment: ClaimAssessment;
}

const VIEW_COLUMNS = 'claim_id, version, position, updated_at, claim, assessment';

/** The columns that copy a row's headline (`headlineOf`): what a status change compares. */
const HEADLINE_COLUMNS = 'status, computed_status, credibility_rating, band, confidence, model_version';

interface HeadlineRow {
  status: ClaimHeadline['publishedStatus'];
  computed_status: ClaimHeadline['computedStatus'];
  credibility_rating: ClaimHeadline['credibilityRating'];
  band: ClaimHeadline['band'];
  confidence: number;
  model_version: string;
}

const fromRow = (row: ClaimViewRow): ClaimView => ({
  claimId: row.claim_id,
  version: row.version,
  position: Number(row.position),
  updatedAt: row.updated_at.toISOString(),
  claim: row.claim,
  assessment: row.assessment,
});

/**
 * A claim row's values in `claim_view`'s column order (claim_id … assessment): one mapping for the live
 * upsert and the rebuild's bulk load, so both write the same bytes.
 */
export const claimViewRowValues = ({ claimId, version, position, updatedAt, claim, assessment }: ClaimView): unknown[] => [
  claimId,
  version,
  position,
  assessment.publishedStatus,
  assessment.computedStatus,
  assessment.verdict,
  assessment.confidence,
  assessment.band,
  assessment.credibilityRating,
  assessment.modelVersion,
  claim.mergedInto ?? null,
  claim.category,
  claim.location.country,
  normaliseName(claim.location.country),
  actorKeysOf(claim),
  claim.occurred.start,
  claim.occurred.end ?? claim.occurred.start,
  claim.statement,
  claim.assertedAt,
  updatedAt,
  JSON.stringify(claim),
  JSON.stringify(assessment),
];

/** The row's upsert ($1 … $22 in `claimViewRowValues` order): one statement text for every writer of a row. */
const UPSERT_CLAIM_VIEW_SQL = `INSERT INTO claim_view (claim_id, version, position, status, computed_status, verdict, confidence, band,
    credibility_rating, model_version, merged_into, category, country, country_key, actor_keys, occurred_start,
    occurred_end, statement, asserted_at, updated_at, claim, assessment)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
  ON CONFLICT (claim_id) DO UPDATE SET version = EXCLUDED.version, position = EXCLUDED.position,
    status = EXCLUDED.status, computed_status = EXCLUDED.computed_status, verdict = EXCLUDED.verdict,
    confidence = EXCLUDED.confidence, band = EXCLUDED.band, credibility_rating = EXCLUDED.credibility_rating,
    model_version = EXCLUDED.model_version, merged_into = EXCLUDED.merged_into, category = EXCLUDED.category,
    country = EXCLUDED.country, country_key = EXCLUDED.country_key, actor_keys = EXCLUDED.actor_keys,
    occurred_start = EXCLUDED.occurred_start, occurred_end = EXCLUDED.occurred_end,
    statement = EXCLUDED.statement, asserted_at = EXCLUDED.asserted_at, updated_at = EXCLUDED.updated_at,
    claim = EXCLUDED.claim, assessment = EXCLUDED.assessment`;

/** Upserts the claim's row and links it to every source it names (for re-assessment on re-grades). */
export const saveClaimView = async (db: Queryable, view: ClaimView): Promise<void> => {
  const { claim } = view;
  await db.query(UPSERT_CLAIM_VIEW_SQL, claimViewRowValues(view));
  await db.query(
    `INSERT INTO claim_sources (source_id, claim_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
    [sourceIdsOf(claim), view.claimId],
  );
};

// saveClaimView's two statements and the read of the row they replace, as one round trip (a command's
// projection step): every sub-statement of a WITH sees the same snapshot, so `previous` is the row as it
// stood before the upsert, and both data-modifying sub-statements run whether or not the query reads them.
// Named, so each connection parses and plans it once.
const REPLACE_CLAIM_VIEW_SQL = `WITH previous AS (SELECT ${HEADLINE_COLUMNS} FROM claim_view WHERE claim_id = $1),
  saved AS (
    ${UPSERT_CLAIM_VIEW_SQL}
    RETURNING 1),
  linked AS (INSERT INTO claim_sources (source_id, claim_id) SELECT unnest($23::text[]), $1 ON CONFLICT DO NOTHING RETURNING 1)
SELECT * FROM previous`;

/**
 * Writes a claim's row as `saveClaimView` does and returns the headline of the row it replaced (undefined
 * for a new claim), in one statement: what `findClaimView` then `saveClaimView` do in three round trips.
 * The headline comes from its columns, so the replaced documents are never sent back.
 */
export const replaceClaimView = async (db: Queryable, view: ClaimView): Promise<ClaimHeadline | undefined> => {
  const { rows } = await db.query<HeadlineRow>({ name: 'claim_view_replace', text: REPLACE_CLAIM_VIEW_SQL, values: [...claimViewRowValues(view), sourceIdsOf(view.claim)] });
  const row = rows[0];
  return (
    row && {
      publishedStatus: row.status,
      computedStatus: row.computed_status,
      credibilityRating: row.credibility_rating,
      band: row.band,
      confidence: row.confidence,
      modelVersion: row.model_version,
    }
  );
};

/** Rows of these claims, by claim id (absent: no row). */
export const findClaimViews = async (db: Queryable, claimIds: readonly string[]): Promise<Map<string, ClaimView>> => {
  const { rows } = await db.query<ClaimViewRow>(`SELECT ${VIEW_COLUMNS} FROM claim_view WHERE claim_id = ANY($1::text[])`, [claimIds]);
  return new Map(rows.map((row) => [row.claim_id, fromRow(row)]));
};

export const findClaimView = async (db: Queryable, claimId: string): Promise<ClaimView | undefined> => {
  const { rows } = await db.query<ClaimViewRow>(`SELECT ${VIEW_COLUMNS} FROM claim_view WHERE claim_id = $1`, [claimId]);
  return rows[0] && fromRow(rows[0]);
};

/** Ids of the claims a source reported on or was relayed on, in id order. */
export const claimIdsOfSource = async (db: Queryable, sourceId: string): Promise<string[]> => {
  const { rows } = await db.query<{ claim_id: string }>(
    'SELECT claim_id FROM claim_sources WHERE source_id = $1 ORDER BY claim_id',
    [sourceId],
  );
  return rows.map((row) => row.claim_id);
};

/**
 * Claims linked to a source whose rows stand before `position` (the source's event): the ones its
 * re-assessment has yet to reach, in claim id order, after `after` (keyset paging) or among `among`.
 */
export const staleClaimIdsOfSource = async (
  db: Queryable,
  sourceId: string,
  position: number,
  page: { after: string; limit: number } | { among: readonly string[] },
): Promise<string[]> => {
  const { rows } =
    'among' in page
      ? await db.query<{ claim_id: string }>(
          `SELECT l.claim_id FROM claim_sources l JOIN claim_view c ON c.claim_id = l.claim_id
            WHERE l.source_id = $1 AND c.position < $2 AND l.claim_id = ANY($3::text[])`,
          [sourceId, position, page.among],
        )
      : await db.query<{ claim_id: string }>(
          `SELECT l.claim_id FROM claim_sources l JOIN claim_view c ON c.claim_id = l.claim_id
            WHERE l.source_id = $1 AND c.position < $2 AND l.claim_id > $3
            ORDER BY l.claim_id LIMIT $4`,
          [sourceId, position, page.after, page.limit],
        );
  return rows.map((row) => row.claim_id);
};

/** Sources with a linked claim whose row stands before the source's last event: re-assessments not finished. */
export const sourcesWithClaimsBehind = async (db: Queryable): Promise<string[]> => {
  const { rows } = await db.query<{ source_id: string }>(
    `SELECT DISTINCT l.source_id FROM claim_sources l
       JOIN source_view s ON s.source_id = l.source_id
       JOIN claim_view c ON c.claim_id = l.claim_id
      WHERE c.position < s.position
      ORDER BY l.source_id`,
  );
  return rows.map((row) => row.source_id);
};

/** Claims a source reported on, most recently asserted first (at most `limit`). */
export const claimViewsOfSource = async (db: Queryable, sourceId: string, limit = 500): Promise<ClaimView[]> => {
  const { rows } = await db.query<ClaimViewRow>(
    `SELECT ${VIEW_COLUMNS.split(', ').map((column) => `c.${column}`).join(', ')}
       FROM claim_sources l JOIN claim_view c ON c.claim_id = l.claim_id
      WHERE l.source_id = $1 ORDER BY c.asserted_at DESC, c.claim_id DESC LIMIT $2`,
    [sourceId, limit],
  );
  return rows.map(fromRow);
};

/** Keyset cursor: the sort key of the last row of a page. */
interface ClaimCursor {
  assertedAt: string;
  claimId: string;
}

export const encodeClaimCursor = (cursor: ClaimCursor): string =>
  Buffer.from(JSON.stringify([cursor.assertedAt, cursor.claimId])).toString('base64url');

/** Undefined for anything that is not a cursor this code produced. */
export const decodeClaimCursor = (cursor: string): ClaimCursor | undefined => {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [assertedAt, claimId] = decoded as unknown[];
    if (typeof assertedAt !== 'string' || Number.isNaN(Date.parse(assertedAt)) || typeof claimId !== 'string') return undefined;
    return { assertedAt, claimId };
  } catch {
    return undefined;
  }
};

export type ClaimFilters = Omit<ClaimListQuery, 'cursor'> & { after?: ClaimCursor };

/** One page of claims matching every given filter, most recently asserted first. */
export const listClaimViews = async (
  db: Queryable,
  filters: ClaimFilters,
): Promise<{ items: ClaimView[]; next?: ClaimCursor }> => {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const where = (sql: (parameter: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filters.status) where((p) => `status = ${p}`, filters.status);
  if (filters.category) where((p) => `category = ${p}`, filters.category);
  if (filters.country) where((p) => `country_key = ${p}`, normaliseName(filters.country));
  if (filters.actor) where((p) => `actor_keys @> ARRAY[${p}::text]`, normaliseName(filters.actor));
  // Overlap with the window the claim's date precision spans (a `month` claim for October overlaps 20
  // October); the unwidened bound first, so the (occurred_start, occurred_end) index narrows the scan.
  for (const from of [filters.from, filters.occurredFrom]) {
    if (from) where((p) => `(occurred_end >= ${p}::date - ${MAX_WIDENING_DAYS} AND ${OCCURRENCE_SPAN_SQL.to} >= ${p}::date)`, from);
  }
  for (const to of [filters.to, filters.occurredTo]) {
    if (to) where((p) => `(occurred_start <= ${p}::date + ${MAX_WIDENING_DAYS} AND ${OCCURRENCE_SPAN_SQL.from} <= ${p}::date)`, to);
  }
  if (filters.q) where((p) => `search @@ websearch_to_tsquery('english', ${p})`, filters.q);
  if (filters.after) {
    values.push(filters.after.assertedAt, filters.after.claimId);
    conditions.push(`(asserted_at, claim_id) < ($${values.length - 1}::timestamptz, $${values.length})`);
  }
  values.push(filters.limit + 1);
  const { rows } = await db.query<ClaimViewRow & { asserted_at: Date }>(
    `SELECT ${VIEW_COLUMNS}, asserted_at FROM claim_view
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY asserted_at DESC, claim_id DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    items: page.map(fromRow),
    ...(rows.length > filters.limit && last ? { next: { assertedAt: last.asserted_at.toISOString(), claimId: last.claim_id } } : {}),
  };
};
