import { normaliseName } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import { actorKeysOf, sourceIdsOf, type ClaimView } from '../claim-view/claim-view.projection';
import type { SourceView } from '../source-view/source-view.projection';

/** A projection a rebuild can replace, and the tables it owns. */
export const PROJECTIONS = {
  claim_view: { tables: ['claim_view', 'claim_sources'], key: { claim_view: 'claim_id', claim_sources: 'source_id, claim_id' } },
  source_view: { tables: ['source_view'], key: { source_view: 'source_id' } },
} as const;
export type ProjectionName = keyof typeof PROJECTIONS;
export const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[];

export const shadowOf = (table: string): string => `${table}_rebuild`;
export const previousOf = (table: string): string => `${table}_previous`;

// Identifiers here come from the constant table list above, never from input.
const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** Fresh, empty shadow tables shaped like the live ones (columns, generated columns, constraints, indexes). */
export const createShadowTables = async (db: Queryable, tables: readonly string[]): Promise<void> => {
  for (const table of tables) {
    await db.query(`DROP TABLE IF EXISTS ${quote(shadowOf(table))}`);
    await db.query(`CREATE TABLE ${quote(shadowOf(table))} (LIKE ${quote(table)} INCLUDING ALL)`);
  }
};

export const shadowTablesExist = async (db: Queryable, tables: readonly string[]): Promise<boolean> => {
  const { rows } = await db.query<{ count: string }>('SELECT count(*) AS count FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])', [
    tables.map(shadowOf),
  ]);
  return Number(rows[0].count) === tables.length;
};

export const dropTables = async (db: Queryable, tables: readonly string[]): Promise<void> => {
  for (const table of tables) await db.query(`DROP TABLE IF EXISTS ${quote(table)}`);
};

const CLAIM_COLUMNS = `claim_id text, version int, position bigint, status text, computed_status text, verdict text,
  confidence double precision, band text, credibility_rating smallint, model_version text, merged_into text, category text,
  country text, country_key text, actor_keys text[], occurred_start date, occurred_end date, statement text,
  asserted_at timestamptz, updated_at timestamptz, claim jsonb, assessment jsonb`;
const CLAIM_NAMES = CLAIM_COLUMNS.split(',').map((column) => column.trim().split(/\s+/)[0]);

/** Claim rows in the shape `saveClaimView` writes, upserted in one statement. */
export const writeClaimRows = async (db: Queryable, table: string, views: readonly ClaimView[]): Promise<void> => {
  if (views.length === 0) return;
  const rows = views.map(({ claimId, version, position, updatedAt, claim, assessment }) => ({
    claim_id: claimId,
    version,
    position,
    status: assessment.publishedStatus,
    computed_status: assessment.computedStatus,
    verdict: assessment.verdict,
    confidence: assessment.confidence,
    band: assessment.band,
    credibility_rating: assessment.credibilityRating,
    model_version: assessment.modelVersion,
    merged_into: claim.mergedInto ?? null,
    category: claim.category,
    country: claim.location.country,
    country_key: normaliseName(claim.location.country),
    actor_keys: actorKeysOf(claim),
    occurred_start: claim.occurred.start,
    occurred_end: claim.occurred.end ?? claim.occurred.start,
    statement: claim.statement,
    asserted_at: claim.assertedAt,
    updated_at: updatedAt,
    claim,
    assessment,
  }));
  await db.query(
    `INSERT INTO ${quote(table)} (${CLAIM_NAMES.join(', ')})
     SELECT ${CLAIM_NAMES.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${CLAIM_COLUMNS})
     ON CONFLICT (claim_id) DO UPDATE SET ${CLAIM_NAMES.slice(1).map((name) => `${name} = EXCLUDED.${name}`).join(', ')}`,
    [JSON.stringify(rows)],
  );
};

export const writeClaimLinks = async (db: Queryable, table: string, views: readonly ClaimView[]): Promise<void> => {
  const sourceIds: string[] = [];
  const claimIds: string[] = [];
  for (const view of views) {
    for (const sourceId of sourceIdsOf(view.claim)) {
      sourceIds.push(sourceId);
      claimIds.push(view.claimId);
    }
  }
  if (sourceIds.length === 0) return;
  await db.query(`INSERT INTO ${quote(table)} (source_id, claim_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [sourceIds, claimIds]);
};

const SOURCE_COLUMNS = `source_id text, version int, position bigint, name text, kind text, affiliation text, origin_group text,
  reliability text, reliability_history jsonb, registered_at timestamptz, updated_at timestamptz`;
const SOURCE_NAMES = SOURCE_COLUMNS.split(',').map((column) => column.trim().split(/\s+/)[0]);

/** Source rows in the shape `saveSourceView` writes. */
export const writeSourceRows = async (db: Queryable, table: string, views: readonly SourceView[]): Promise<void> => {
  if (views.length === 0) return;
  const rows = views.map((view) => ({
    source_id: view.sourceId,
    version: view.version,
    position: view.position,
    name: view.name,
    kind: view.kind,
    affiliation: view.affiliation ?? null,
    origin_group: view.originGroup ?? null,
    reliability: view.reliability,
    reliability_history: view.reliabilityHistory,
    registered_at: view.registeredAt,
    updated_at: view.updatedAt,
  }));
  await db.query(
    `INSERT INTO ${quote(table)} (${SOURCE_NAMES.join(', ')})
     SELECT ${SOURCE_NAMES.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${SOURCE_COLUMNS})
     ON CONFLICT (source_id) DO UPDATE SET ${SOURCE_NAMES.slice(1).map((name) => `${name} = EXCLUDED.${name}`).join(', ')}`,
    [JSON.stringify(rows)],
  );
};

/** Rows of one table that differ from the other's (by key), ignoring generated columns. */
export interface TableDrift {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** Keys whose rows differ, are only live, or only rebuilt. */
  differing: number;
  samples: Array<{ key: string; columns: string[] }>;
}

/** Compares a live table with its rebuilt twin, row by row (as jsonb, generated columns left out). */
export const compareTables = async (db: Queryable, table: string, live: string, rebuilt: string, keyColumns: string): Promise<TableDrift> => {
  const keys = keyColumns.split(',').map((key) => key.trim());
  const keyExpr = (alias: string) => keys.map((key) => `${alias}.${quote(key)}::text`).join(` || '/' || `);
  const generated = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attgenerated <> '' AND NOT attisdropped`,
    [live],
  );
  const strip = generated.rows.map((row) => ` - '${row.attname.replace(/'/g, "''")}'`).join('');
  const { rows } = await db.query<{ key: string; live_row: Record<string, unknown> | null; rebuilt_row: Record<string, unknown> | null; total: string }>(
    `SELECT coalesce(${keyExpr('o')}, ${keyExpr('n')}) AS key, to_jsonb(o)${strip} AS live_row, to_jsonb(n)${strip} AS rebuilt_row,
            count(*) OVER () AS total
       FROM ${quote(live)} o FULL JOIN ${quote(rebuilt)} n ON ${keys.map((key) => `o.${quote(key)} = n.${quote(key)}`).join(' AND ')}
      WHERE (to_jsonb(o)${strip}) IS DISTINCT FROM (to_jsonb(n)${strip})
      ORDER BY 1 LIMIT 20`,
  );
  const counts = await db.query<{ live: string; rebuilt: string }>(
    `SELECT (SELECT count(*) FROM ${quote(live)}) AS live, (SELECT count(*) FROM ${quote(rebuilt)}) AS rebuilt`,
  );
  return {
    table,
    liveRows: Number(counts.rows[0].live),
    rebuiltRows: Number(counts.rows[0].rebuilt),
    differing: rows.length ? Number(rows[0].total) : 0,
    samples: rows.map((row) => ({
      key: row.key,
      columns: !row.live_row ? ['(only rebuilt)'] : !row.rebuilt_row ? ['(only live)'] : Object.keys(row.live_row).filter((column) => JSON.stringify(row.live_row?.[column]) !== JSON.stringify(row.rebuilt_row?.[column])),
    })),
  };
};

/**
 * Swaps a rebuilt table in for the live one by renames (run inside the swap transaction): the live table
 * becomes `<table>_previous`, the shadow takes its name, its indexes take the live indexes' names, and the
 * application role gets the same rights. Readers see either table whole: a rename takes an exclusive lock
 * that waits for running reads, and queued reads resolve the name again afterwards.
 */
export const swapInShadow = async (db: Queryable, table: string): Promise<void> => {
  const indexesOf = async (relation: string) =>
    (
      await db.query<{ name: string; definition: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`,
        [relation],
      )
    ).rows.map((row) => ({ name: row.name, shape: `${row.definition.startsWith('CREATE UNIQUE') ? 'unique ' : ''}${row.definition.split(' USING ')[1]}` }));
  const live = await indexesOf(table);
  const shadow = await indexesOf(shadowOf(table));
  await db.query(`DROP TABLE IF EXISTS ${quote(previousOf(table))}`);
  await db.query(`ALTER TABLE ${quote(table)} RENAME TO ${quote(previousOf(table))}`);
  await db.query(`ALTER TABLE ${quote(shadowOf(table))} RENAME TO ${quote(table)}`);
  for (const index of live) {
    const twin = shadow.find((candidate) => candidate.shape === index.shape);
    if (!twin) continue;
    await db.query(`ALTER INDEX ${quote(index.name)} RENAME TO ${quote(`${index.name.slice(0, 50)}_prev${live.indexOf(index)}`)}`);
    await db.query(`ALTER INDEX ${quote(twin.name)} RENAME TO ${quote(index.name)}`);
  }
  await db.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claim_ledger_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON ${quote(table)} TO claim_ledger_app;
      END IF;
    END $$`);
};
