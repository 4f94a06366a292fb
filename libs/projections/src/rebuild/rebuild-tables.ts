import type { Queryable } from '@claims/event-store';
import { sourceIdsOf, type ClaimView } from '../claim-view/claim-view.projection';
import { claimViewRowValues } from '../claim-view/claim-view.repository';
import type { SourceView } from '../source-view/source-view.projection';

/** A projection a rebuild can replace, and the tables it owns. */
export const PROJECTIONS = {
  claim_view: { tables: ['claim_view', 'claim_sources'], key: { claim_view: 'claim_id', claim_sources: 'source_id, claim_id' } },
  source_view: { tables: ['source_view'], key: { source_view: 'source_id' } },
  work_view: { tables: ['work_view', 'work_comments'], key: { work_view: 'claim_id', work_comments: 'claim_id, version' } },
} as const;
export type ProjectionName = keyof typeof PROJECTIONS;
export const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[];

export const shadowOf = (table: string): string => `${table}_rebuild`;
export const previousOf = (table: string): string => `${table}_previous`;

// Identifiers here come from the constant table list above, never from input.
const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Fresh, empty shadow tables shaped like the live ones (columns, generated columns, defaults, checks,
 * storage, compression), without their indexes: a bulk load is cheaper into a bare heap, and one index
 * build at the end (`addShadowIndexes`) is cheaper than maintaining it row by row.
 */
export const createShadowTables = async (db: Queryable, tables: readonly string[]): Promise<void> => {
  for (const table of tables) {
    await db.query(`DROP TABLE IF EXISTS ${quote(shadowOf(table))}`);
    await db.query(`CREATE TABLE ${quote(shadowOf(table))} (LIKE ${quote(table)} INCLUDING ALL EXCLUDING INDEXES)`);
  }
};

interface IndexShape {
  name: string;
  /** `unique btree (claim_id)`: what matches an index with its twin, whatever the table and index names. */
  shape: string;
  /** The `USING …` part of the definition (method, columns, predicate). */
  using: string;
  unique: boolean;
  /** The constraint it backs (primary key, unique), as `pg_get_constraintdef` prints it. */
  constraint: string | null;
}

const indexesOf = async (db: Queryable, relation: string): Promise<IndexShape[]> =>
  (
    await db.query<{ name: string; definition: string; constraint: string | null }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, pg_get_constraintdef(k.oid) AS constraint
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
        WHERE i.indrelid = $1::regclass ORDER BY c.relname`,
      [relation],
    )
  ).rows.map((row) => {
    const unique = row.definition.startsWith('CREATE UNIQUE');
    const using = row.definition.split(' USING ')[1];
    return { name: row.name, shape: `${unique ? 'unique ' : ''}${using}`, using, unique, constraint: row.constraint };
  });

/**
 * Gives each shadow table every index (and primary key or unique constraint) of its live table that it
 * lacks: run once the bulk load is done, before catch-up writes that upsert. Idempotent, so a resumed
 * rebuild (or one whose shadow was made with indexes) ends with the same set.
 */
export const addShadowIndexes = async (db: Queryable, tables: readonly string[]): Promise<void> => {
  for (const table of tables) {
    const shadow = quote(shadowOf(table));
    const present = new Set((await indexesOf(db, shadowOf(table))).map((index) => index.shape));
    for (const index of await indexesOf(db, table)) {
      if (present.has(index.shape)) continue;
      // Names are left to PostgreSQL; the swap gives each index its live twin's name.
      if (index.constraint) await db.query(`ALTER TABLE ${shadow} ADD ${index.constraint}`);
      else await db.query(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ON ${shadow} USING ${index.using}`);
      present.add(index.shape);
    }
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

/**
 * Claim rows in the shape `saveClaimView` writes, upserted in one statement per 2,000 rows; `append`
 * inserts without the upsert, for a bulk load where each claim is written once into a table that has no
 * key index yet. Each value is its own parameter, so PostgreSQL parses each document once, straight into
 * its column (no batch-wide JSON document to build and take apart).
 */
export const writeClaimRows = async (db: Queryable, table: string, views: readonly ClaimView[], mode: 'upsert' | 'append' = 'upsert'): Promise<void> => {
  for (let start = 0; start < views.length; start += CLAIM_ROWS_PER_STATEMENT) {
    const chunk = views.slice(start, start + CLAIM_ROWS_PER_STATEMENT);
    const values: unknown[] = [];
    for (const view of chunk) values.push(...claimViewRowValues(view));
    await db.query(
      `INSERT INTO ${quote(table)} (${CLAIM_NAMES.join(', ')})
       VALUES ${chunk.map((_, row) => `(${CLAIM_TYPES.map((type, column) => `$${row * CLAIM_TYPES.length + column + 1}::${type}`).join(', ')})`).join(', ')}
       ${mode === 'append' ? '' : `ON CONFLICT (claim_id) DO UPDATE SET ${CLAIM_NAMES.slice(1).map((name) => `${name} = EXCLUDED.${name}`).join(', ')}`}`,
      values,
    );
  }
};
const CLAIM_TYPES = CLAIM_COLUMNS.split(',').map((column) => column.trim().split(/\s+/).slice(1).join(' '));
// 22 parameters a row, within the protocol's 65,535.
const CLAIM_ROWS_PER_STATEMENT = 2000;

/** (source, claim) links of the claims; `append` as for `writeClaimRows`. */
export const writeClaimLinks = async (db: Queryable, table: string, views: readonly ClaimView[], mode: 'upsert' | 'append' = 'upsert'): Promise<void> => {
  const sourceIds: string[] = [];
  const claimIds: string[] = [];
  for (const view of views) {
    for (const sourceId of sourceIdsOf(view.claim)) {
      sourceIds.push(sourceId);
      claimIds.push(view.claimId);
    }
  }
  if (sourceIds.length === 0) return;
  await db.query(`INSERT INTO ${quote(table)} (source_id, claim_id) SELECT * FROM unnest($1::text[], $2::text[])${mode === 'append' ? '' : ' ON CONFLICT DO NOTHING'}`, [
    sourceIds,
    claimIds,
  ]);
};

const SOURCE_COLUMNS = `source_id text, version int, position bigint, name text, kind text, affiliation text, origin_group text,
  reliability text, reliability_history jsonb, registered_at timestamptz, updated_at timestamptz, confidential jsonb`;
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
    // A confidential source's number, sealed identity and erasure: never its clear identity.
    confidential: view.confidential ?? null,
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

/**
 * Compares a live table with its rebuilt twin, row by row (every stored column, generated ones left out),
 * in the database: one pass counts rows and differences, and only the first 20 differing keys are fetched
 * whole to name the columns that differ.
 */
export const compareTables = async (db: Queryable, table: string, live: string, rebuilt: string, keyColumns: string): Promise<TableDrift> => {
  const keys = keyColumns.split(',').map((key) => key.trim());
  const keyExpr = (alias: string) => keys.map((key) => `${alias}.${quote(key)}::text`).join(` || '/' || `);
  const { rows: columnRows } = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND attgenerated = '' AND NOT attisdropped ORDER BY attnum`,
    [live],
  );
  const columns = columnRows.map((row) => quote(row.attname));
  const joined = `${quote(live)} o FULL JOIN ${quote(rebuilt)} n ON ${keys.map((key) => `o.${quote(key)} = n.${quote(key)}`).join(' AND ')}`;
  // Whole-row IS DISTINCT FROM compares column by column with each type's equality (jsonb, arrays, floats).
  const differs = `o.${quote(keys[0])} IS NULL OR n.${quote(keys[0])} IS NULL OR (${columns.map((column) => `o.${column}`).join(', ')}) IS DISTINCT FROM (${columns.map((column) => `n.${column}`).join(', ')})`;
  const { rows: counted } = await db.query<{ live: string; rebuilt: string; differing: string }>(
    `SELECT count(o.${quote(keys[0])}) AS live, count(n.${quote(keys[0])}) AS rebuilt, count(*) FILTER (WHERE ${differs}) AS differing FROM ${joined}`,
  );
  const differing = Number(counted[0].differing);
  const generated = await generatedOf(db, live);
  const strip = (alias: string) => `to_jsonb(${alias})${generated.map((name) => ` - '${name.replace(/'/g, "''")}'`).join('')}`;
  const samples =
    differing === 0
      ? []
      : (
          await db.query<{ key: string; live_row: Record<string, unknown> | null; rebuilt_row: Record<string, unknown> | null }>(
            `SELECT key, ${strip('o')} AS live_row, ${strip('n')} AS rebuilt_row
               FROM (SELECT coalesce(${keyExpr('o')}, ${keyExpr('n')}) AS key, ${keys.map((key) => `coalesce(o.${quote(key)}, n.${quote(key)}) AS ${quote(key)}`).join(', ')}
                       FROM ${joined} WHERE ${differs} ORDER BY 1 LIMIT 20) d
               LEFT JOIN ${quote(live)} o ON ${keys.map((key) => `o.${quote(key)} = d.${quote(key)}`).join(' AND ')}
               LEFT JOIN ${quote(rebuilt)} n ON ${keys.map((key) => `n.${quote(key)} = d.${quote(key)}`).join(' AND ')}
              ORDER BY key`,
          )
        ).rows;
  return {
    table,
    liveRows: Number(counted[0].live),
    rebuiltRows: Number(counted[0].rebuilt),
    differing,
    samples: samples.map((row) => ({
      key: row.key,
      columns: !row.live_row ? ['(only rebuilt)'] : !row.rebuilt_row ? ['(only live)'] : Object.keys(row.live_row).filter((column) => JSON.stringify(row.live_row?.[column]) !== JSON.stringify(row.rebuilt_row?.[column])),
    })),
  };
};

const generatedOf = async (db: Queryable, relation: string): Promise<string[]> =>
  (await db.query<{ attname: string }>(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attgenerated <> '' AND NOT attisdropped`, [relation])).rows.map(
    (row) => row.attname,
  );

/**
 * Swaps a rebuilt table in for the live one by renames (run inside the swap transaction): the live table
 * becomes `<table>_previous`, the shadow takes its name, its indexes take the live indexes' names, and the
 * application role gets the same rights. Readers see either table whole: a rename takes an exclusive lock
 * that waits for running reads, and queued reads resolve the name again afterwards.
 */
export const swapInShadow = async (db: Queryable, table: string): Promise<void> => {
  await addShadowIndexes(db, [table]);
  const live = await indexesOf(db, table);
  const shadow = await indexesOf(db, shadowOf(table));
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
