import { countLogEvents, logPositionAt, type LogPosition, type Queryable } from '@claims/event-store';
import { STREAM_PREFIXES } from './streams';
import type { ProjectionName } from './rebuild/rebuild-tables';

/** The inline projections, their main table, and the streams whose events they apply. */
const INLINE_PROJECTIONS: Record<ProjectionName, { table: string; streamPrefixes: readonly string[] }> = {
  // A claim's row is re-assessed by its own events and by those of the sources it names.
  claim_view: { table: 'claim_view', streamPrefixes: [STREAM_PREFIXES.claim, STREAM_PREFIXES.source] },
  source_view: { table: 'source_view', streamPrefixes: [STREAM_PREFIXES.source] },
  work_view: { table: 'work_view', streamPrefixes: [STREAM_PREFIXES.work] },
};

export interface InlineProjectionStatus {
  name: ProjectionName;
  rows: number;
  /** The last event applied to any row (undefined while the table is empty). */
  checkpoint: LogPosition | undefined;
  /** Readable events of the streams it follows after its checkpoint. */
  lag: number;
}

/**
 * How far an inline projection is: its rows record the global position of the last event applied to each,
 * so the newest one is its checkpoint, and the events after it in log order are its lag. Written in the
 * writers' own transactions, it normally has none.
 */
export const inlineProjectionStatus = async (db: Queryable, name: ProjectionName): Promise<InlineProjectionStatus> => {
  const { table, streamPrefixes } = INLINE_PROJECTIONS[name];
  // The table name comes from the constant above, never from input.
  const { rows } = await db.query<{ rows: string; position: string | null }>(`SELECT count(*) AS rows, max(position) AS position FROM ${table}`);
  const checkpoint = rows[0].position === null ? undefined : await logPositionAt(db, Number(rows[0].position));
  return {
    name,
    rows: Number(rows[0].rows),
    checkpoint,
    lag: await countLogEvents(db, { prefixes: streamPrefixes, ...(checkpoint ? { after: checkpoint } : {}) }),
  };
};
