import { readWorkEvent, type WorkEvent } from '@claims/contracts';
import { foldEvents, workDecider, type WorkStreamState } from '@claims/domain';
import type { PgEventStore, Queryable } from '@claims/event-store';
import { workCommentOf, workViewOf, type WorkView } from './work-view.projection';
import { writeWorkCommentRows, writeWorkViewRows } from './work-view.repository';

/**
 * Brings a claim's work rows up to date after an append: the view row, and a row per new comment. Run it
 * in the transaction that appended the events (read-your-writes, and a rebuild writes the same rows).
 */
export const projectWork = async (
  db: Queryable,
  claimId: string,
  state: WorkStreamState,
  appended: { events: readonly WorkEvent[]; firstVersion: number; lastVersion: number; position: number },
): Promise<WorkView> => {
  const view = workViewOf(claimId, state, { version: appended.lastVersion, position: appended.position });
  await writeWorkViewRows(db, 'work_view', [view]);
  const comments = appended.events.flatMap((event, index) => workCommentOf(claimId, appended.firstVersion + index, event) ?? []);
  await writeWorkCommentRows(db, 'work_comments', comments);
  return view;
};

/** Folds a claim's work stream, validating (and upcasting) each event. */
export const loadWorkState = async (store: PgEventStore, db: Queryable, streamId: string): Promise<{ state: WorkStreamState; version: number }> => {
  const events = await store.readStream(streamId, {}, db);
  return { state: foldEvents(workDecider, events.map(readWorkEvent)), version: events.at(-1)?.streamVersion ?? 0 };
};
