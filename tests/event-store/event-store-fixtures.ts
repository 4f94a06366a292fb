import { randomUUID } from 'node:crypto';
import type { LogPosition, NewEvent, PgEventStore, RecordedEvent } from '@claims/event-store';

/** An event with a fresh id whose data is `label`, to tell events apart in the log. */
export const labelledEvent = (label: string): NewEvent => ({ eventId: randomUUID(), type: 'ReportAdded', data: { label } });

/** Reads everything readable after `from`, one event per read, like a subscriber with batch size 1. */
export const readOneByOne = async (store: PgEventStore, from: LogPosition): Promise<{ events: RecordedEvent[]; next: LogPosition }> => {
  const events: RecordedEvent[] = [];
  let cursor = from;
  for (;;) {
    const { events: batch, next } = await store.readAll({ after: cursor, limit: 1 });
    if (batch.length === 0) return { events, next: cursor };
    events.push(...batch);
    cursor = next;
  }
};
