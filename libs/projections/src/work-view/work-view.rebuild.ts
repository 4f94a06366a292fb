import { readWorkEvent, STREAM_PREFIXES } from '@claims/contracts';
import { workDecider, type WorkStreamState } from '@claims/domain';
import { readLogByPrefix, readStreamForReplay, readStreamsByPrefix, type LogPosition, type Queryable, type ReplayEvent } from '@claims/event-store';
import { workCommentOf, workViewOf, type WorkCommentRow, type WorkView } from './work-view.projection';
import { writeWorkCommentRows, writeWorkViewRows } from './work-view.repository';

/**
 * Replays every work stream up to `upTo` (a readable position, e.g. the rebuild's cut) into the given
 * empty tables, which must have their keys (it upserts), one stream folded at a time with the same pure
 * code the inline projection runs. Work streams are small (a desk's clicks on a claim), so this is one
 * pass with no resume point: an interrupted rebuild runs it again from scratch. Returns the events read.
 */
export const replayWorkStreams = async (
  db: Queryable,
  tables: { view: string; comments: string },
  upTo: LogPosition,
  batchSize = 2_000,
): Promise<{ events: number; claims: number }> => {
  let after: readonly [string, number] = ['', Number.MAX_SAFE_INTEGER];
  let current: { streamId: string; state: WorkStreamState; last?: ReplayEvent } | undefined;
  let events = 0;
  let claims = 0;
  let views: WorkView[] = [];
  let comments: WorkCommentRow[] = [];
  const claimIdOf = (streamId: string) => streamId.slice(STREAM_PREFIXES.work.length);
  const finish = () => {
    if (!current?.last) return;
    views.push(workViewOf(claimIdOf(current.streamId), current.state, { version: current.last.streamVersion, position: current.last.position.globalPosition }));
    claims += 1;
  };
  const flush = async () => {
    await writeWorkViewRows(db, tables.view, views);
    await writeWorkCommentRows(db, tables.comments, comments);
    views = [];
    comments = [];
  };
  for (;;) {
    const rows = await readStreamsByPrefix(db, { prefix: STREAM_PREFIXES.work, after, upTo, limit: batchSize });
    for (const row of rows) {
      if (current?.streamId !== row.streamId) {
        finish();
        current = { streamId: row.streamId, state: workDecider.initialState() };
      }
      const event = readWorkEvent(row);
      current.state = workDecider.evolve(current.state, event);
      current.last = row;
      const comment = workCommentOf(claimIdOf(row.streamId), row.streamVersion, event);
      if (comment) comments.push(comment);
    }
    events += rows.length;
    if (rows.length < batchSize) break;
    after = [rows[rows.length - 1].streamId, rows[rows.length - 1].streamVersion];
    await flush();
  }
  finish();
  await flush();
  return { events, claims };
};

/**
 * Brings the rebuilt work rows from `after` (the replay's cut) to every committed event: each work stream
 * with a later event is folded again whole and its rows rewritten. Only correct while the caller holds off
 * every work writer (they take the catalogue lock, shared; the rebuild holds it exclusively), since it
 * reads past the log's watermark. Returns the events after `after`.
 */
export const catchUpWorkStreams = async (db: Queryable, tables: { view: string; comments: string }, after: LogPosition): Promise<number> => {
  const later = await readLogByPrefix(db, { prefixes: [STREAM_PREFIXES.work], after });
  const views: WorkView[] = [];
  const comments: WorkCommentRow[] = [];
  for (const streamId of [...new Set(later.map((event) => event.streamId))].sort()) {
    const claimId = streamId.slice(STREAM_PREFIXES.work.length);
    let state = workDecider.initialState();
    let last: ReplayEvent | undefined;
    for (const row of await readStreamForReplay(db, streamId)) {
      const event = readWorkEvent(row);
      state = workDecider.evolve(state, event);
      last = row;
      const comment = workCommentOf(claimId, row.streamVersion, event);
      if (comment) comments.push(comment);
    }
    if (last) views.push(workViewOf(claimId, state, { version: last.streamVersion, position: last.position.globalPosition }));
  }
  await writeWorkViewRows(db, tables.view, views);
  await writeWorkCommentRows(db, tables.comments, comments);
  return later.length;
};
