import type { PgEventStore, Queryable, RecordedEvent } from '@claims/event-store';
import { claimStreamId, sourceStreamId } from '../streams';
import { sourceIdsOfClaimEvents } from './claim-history';

/** A claim's stream and the streams of every source it names: all its history and time travel need. */
export interface ClaimTimeline {
  claimEvents: RecordedEvent[];
  sourceEvents: RecordedEvent[];
}

/** Reads a claim's timeline from the store (empty `claimEvents` when the claim does not exist). */
export const loadClaimTimeline = async (store: PgEventStore, claimId: string, db: Queryable = store.pool): Promise<ClaimTimeline> => {
  const claimEvents = await store.readStream(claimStreamId(claimId), {}, db);
  const sourceEvents: RecordedEvent[] = [];
  for (const sourceId of sourceIdsOfClaimEvents(claimEvents)) sourceEvents.push(...(await store.readStream(sourceStreamId(sourceId), {}, db)));
  return { claimEvents, sourceEvents };
};
