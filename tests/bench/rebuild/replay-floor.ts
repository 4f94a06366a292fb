// `--floor`: the rebuild's work in this process without writing anything: read the claim streams as the
// rebuild does, validate and fold each event, assess each claim and serialise its row. What is left of a
// rebuild's time beyond this is PostgreSQL storing the rows, and how well the two overlap.
import type { Pool } from 'pg';
import { ASSESSMENT_MODEL_V1 } from '@claims/domain';
import { readableHead, type LogPosition } from '@claims/event-store';
import { ClaimFold, claimViewRowValues, SourceFolds, type ReplayedEvent } from '@claims/projections';

const BATCH = 2_000;
const COLUMNS = 'stream_id, stream_version, transaction_id::text AS transaction_id, global_position, event_type, schema_version, data';

interface Row {
  stream_id: string;
  stream_version: string;
  transaction_id: string;
  global_position: string;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
}

const toReplayed = (row: Row): ReplayedEvent => ({
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  position: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) },
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: row.data,
});

export const replayWithoutWrites = async (pool: Pool): Promise<{ events: number; claims: number; documentBytes: number }> => {
  const cut: LogPosition = await readableHead(pool);
  const sources = new SourceFolds();
  const { rows: sourceRows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM events WHERE stream_id LIKE 'source-%' ORDER BY transaction_id, global_position`);
  for (const row of sourceRows) sources.apply(row.stream_id.slice('source-'.length), toReplayed(row));

  let events = sourceRows.length;
  let claims = 0;
  let documentBytes = 0;
  let current: ClaimFold | undefined;
  const finish = (fold: ClaimFold) => {
    const view = fold.view(sources, ASSESSMENT_MODEL_V1);
    if (!view) return;
    const values = claimViewRowValues(view);
    documentBytes += String(values[values.length - 2]).length + String(values[values.length - 1]).length;
    claims += 1;
  };
  const read = (after: [string, number]) =>
    pool.query<Row>({
      name: 'bench_floor_claims',
      text: `SELECT ${COLUMNS} FROM events WHERE (stream_id, stream_version) > ($1, $2) AND stream_id LIKE 'claim-%'
               AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint) ORDER BY stream_id, stream_version LIMIT $5`,
      values: [after[0], after[1], cut.transactionId, cut.globalPosition, BATCH],
    });
  let reading: ReturnType<typeof read> | undefined = read(['', Number.MAX_SAFE_INTEGER]);
  while (reading) {
    const rows: Row[] = (await reading).rows;
    const last: Row | undefined = rows.at(-1);
    reading = rows.length === BATCH && last ? read([last.stream_id, Number(last.stream_version)]) : undefined;
    for (const row of rows) {
      if (!current || current.streamId !== row.stream_id) {
        if (current) finish(current);
        current = new ClaimFold(row.stream_id.slice('claim-'.length));
      }
      current.apply(toReplayed(row));
    }
    events += rows.length;
  }
  if (current) finish(current);
  return { events, claims, documentBytes };
};
