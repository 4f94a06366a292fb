import { EventIdConflict } from './event-store.errors';
import type { AppendResult, Queryable } from './event-store.types';

// For each event of the batch, in batch order: the stored event with its id, if any, and whether it is the
// same event (stream, type, schema version, data and metadata; recorded_at is the first attempt's).
// LATERAL ... LIMIT 1 keeps this an index lookup per event, whatever the planner thinks of the table's size.
const STORED_EVENTS_SQL = `SELECT n.ordinality AS ordinal, e.global_position, e.stream_version, e.transaction_id::text AS transaction_id, e.recorded_at,
         (e.stream_id = $1 AND e.event_type = n.value->>'type' AND e.schema_version = (n.value->>'schemaVersion')::int
           AND e.data = n.value->'data' AND e.metadata = n.value->'metadata') AS same_content
    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS n
    LEFT JOIN LATERAL (SELECT * FROM events x WHERE x.event_id = (n.value->>'eventId')::uuid LIMIT 1) e ON true
   ORDER BY n.ordinality`;

interface StoredEventRow {
  ordinal: string;
  global_position: string | null;
  stream_version: string | null;
  transaction_id: string | null;
  same_content: boolean | null;
  recorded_at: Date | null;
}

/**
 * Is this append a retry of one already stored? The one place an append's idempotency is decided. Returns
 * the stored append's result (`written: false`) when every event is stored as sent: same content, in the
 * same stream, at consecutive versions in the batch's order. Undefined when none of its ids is stored.
 * `EventIdConflict` otherwise: an id stored with other content or in another order, or only some stored.
 */
export const findStoredAppend = async (db: Queryable, streamId: string, payload: string, eventIds: readonly string[]): Promise<AppendResult | undefined> => {
  const { rows } = await db.query<StoredEventRow>({ name: 'event_store_stored_events', text: STORED_EVENTS_SQL, values: [streamId, payload] });
  const stored = rows.filter((row) => row.global_position !== null);
  if (stored.length === 0) return undefined;
  const firstVersion = Number(rows[0].stream_version);
  const clash = rows.find((row, index) => row.global_position === null || !row.same_content || Number(row.stream_version) !== firstVersion + index);
  if (clash) throw new EventIdConflict(streamId, eventIds[Number(clash.ordinal) - 1] ?? '');
  const last = rows[rows.length - 1];
  return {
    nextExpectedVersion: Number(last.stream_version),
    positions: rows.map((row) => Number(row.global_position)),
    lastPosition: { transactionId: last.transaction_id ?? '0', globalPosition: Number(last.global_position) },
    written: false,
    recordedAt: last.recorded_at ?? new Date(0),
  };
};
