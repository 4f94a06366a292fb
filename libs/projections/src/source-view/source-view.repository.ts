import { sourceCatalogueOf, type SourceCatalogue, type SourceSnapshot } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import type { SourceKind, SourceReliability } from '@claims/contracts';
import type { SourceView } from './source-view.projection';

export interface SourceViewRow {
  source_id: string;
  version: number;
  position: string;
  name: string;
  kind: SourceKind;
  affiliation: string | null;
  origin_group: string | null;
  reliability: SourceReliability;
  reliability_history: SourceView['reliabilityHistory'];
  registered_at: Date;
  updated_at: Date;
  confidential: SourceView['confidential'] | null;
}

export const sourceViewOfRow = (row: SourceViewRow): SourceView => ({
  sourceId: row.source_id,
  name: row.name,
  kind: row.kind,
  ...(row.affiliation !== null ? { affiliation: row.affiliation } : {}),
  ...(row.origin_group !== null ? { originGroup: row.origin_group } : {}),
  reliability: row.reliability,
  version: row.version,
  position: Number(row.position),
  reliabilityHistory: row.reliability_history,
  registeredAt: row.registered_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  ...(row.confidential ? { confidential: row.confidential } : {}),
});

export const saveSourceView = async (db: Queryable, view: SourceView): Promise<void> => {
  await db.query(
    `INSERT INTO source_view (source_id, version, position, name, kind, affiliation, origin_group, reliability,
       reliability_history, registered_at, updated_at, confidential)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (source_id) DO UPDATE SET version = EXCLUDED.version, position = EXCLUDED.position,
       name = EXCLUDED.name, kind = EXCLUDED.kind, affiliation = EXCLUDED.affiliation,
       origin_group = EXCLUDED.origin_group, reliability = EXCLUDED.reliability,
       reliability_history = EXCLUDED.reliability_history, updated_at = EXCLUDED.updated_at,
       confidential = EXCLUDED.confidential`,
    [
      view.sourceId,
      view.version,
      view.position,
      view.name,
      view.kind,
      view.affiliation ?? null,
      view.originGroup ?? null,
      view.reliability,
      JSON.stringify(view.reliabilityHistory),
      view.registeredAt,
      view.updatedAt,
      view.confidential ? JSON.stringify(view.confidential) : null,
    ],
  );
};

export const findSourceView = async (db: Queryable, sourceId: string): Promise<SourceView | undefined> => {
  const { rows } = await db.query<SourceViewRow>('SELECT * FROM source_view WHERE source_id = $1', [sourceId]);
  return rows[0] && sourceViewOfRow(rows[0]);
};

/** What the assessment reads of a source: its snapshot in a catalogue. */
export const sourceSnapshotOf = ({ sourceId, name, kind, affiliation, originGroup, reliability }: SourceView): SourceSnapshot => ({
  sourceId,
  name,
  kind,
  ...(affiliation !== undefined ? { affiliation } : {}),
  ...(originGroup !== undefined ? { originGroup } : {}),
  reliability,
});

/** Current snapshots of the given sources; absent ones are not registered. */
export const loadSourceCatalogue = async (db: Queryable, sourceIds: Iterable<string>): Promise<SourceCatalogue> => {
  const ids = [...new Set(sourceIds)];
  if (ids.length === 0) return sourceCatalogueOf([]);
  const { rows } = await db.query<SourceViewRow>('SELECT * FROM source_view WHERE source_id = ANY($1::text[])', [ids]);
  return sourceCatalogueOf(rows.map(sourceViewOfRow).map(sourceSnapshotOf));
};
