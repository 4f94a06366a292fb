// `--floor`: the rebuild's work in this process without writing anything: read the claim streams as the
// rebuild does, validate and fold each event, assess each claim and serialise its row. What is left of a
// rebuild's time beyond this is PostgreSQL storing the rows, and how well the two overlap.
import type { Pool } from 'pg';
import { CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { readableHead, type ReplayEvent } from '@claims/event-store';
import { ClaimFold, claimViewRowValues, foldSources, readClaimBatch, STREAM_PREFIXES } from '@claims/projections';

const BATCH = 2_000;

export const replayWithoutWrites = async (pool: Pool): Promise<{ events: number; claims: number; documentBytes: number }> => {
  const cut = await readableHead(pool);
  let events = 0;
  const sources = await foldSources(pool, cut, BATCH, (n) => (events += n));

  let claims = 0;
  let documentBytes = 0;
  let current: ClaimFold | undefined;
  const finish = (fold: ClaimFold) => {
    const view = fold.view(sources, CURRENT_ASSESSMENT_MODEL);
    if (!view) return;
    const values = claimViewRowValues(view);
    documentBytes += String(values[values.length - 2]).length + String(values[values.length - 1]).length;
    claims += 1;
  };
  let reading: Promise<ReplayEvent[]> | undefined = readClaimBatch(pool, ['', Number.MAX_SAFE_INTEGER], cut, BATCH);
  while (reading) {
    const rows: ReplayEvent[] = await reading;
    const last: ReplayEvent | undefined = rows.at(-1);
    reading = rows.length === BATCH && last ? readClaimBatch(pool, [last.streamId, last.streamVersion], cut, BATCH) : undefined;
    for (const event of rows) {
      if (!current || current.streamId !== event.streamId) {
        if (current) finish(current);
        current = new ClaimFold(event.streamId.slice(STREAM_PREFIXES.claim.length));
      }
      current.apply(event);
    }
    events += rows.length;
  }
  if (current) finish(current);
  return { events, claims, documentBytes };
};
