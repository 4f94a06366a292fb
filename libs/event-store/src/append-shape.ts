import { canonicalContentOf, canonicalJson, contentHashOf } from './event-hash';
import { InvalidAppend } from './event-store.errors';
import type { NewEvent } from './event-store.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event as an append sends it: validated, its id lower-cased, with its canonical JSON and content hash. */
export interface StoredShape {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: object;
  metadata: object;
  recordedAt: string;
  /** The data and metadata as canonical (RFC 8785) JSON text: hashed, and sent as the jsonb columns' text. */
  canonicalData: string;
  canonicalMetadata: string;
  contentHash: Buffer;
}

/**
 * Checks an append's events and computes what is stored of them, before any query: a malformed event, or
 * one event id twice (it could only be stored once), is an `InvalidAppend`.
 */
export const toStoredShapes = (streamId: string, recordedAt: Date, events: readonly NewEvent[]): StoredShape[] => {
  if (!streamId) throw new InvalidAppend('stream id must not be empty');
  if (events.length === 0) throw new InvalidAppend('events must not be empty');
  const seen = new Map<string, number>();
  return events.map((event, index) => {
    const shape = toStoredShape(streamId, recordedAt, event, index);
    const first = seen.get(shape.eventId);
    if (first !== undefined) throw new InvalidAppend(`events[${index}].eventId repeats events[${first}].eventId (${shape.eventId}): each event needs its own id`);
    seen.set(shape.eventId, index);
    return shape;
  });
};

const toStoredShape = (streamId: string, recordedAt: Date, event: NewEvent, index: number): StoredShape => {
  if (!UUID.test(event.eventId ?? '')) throw new InvalidAppend(`events[${index}].eventId must be a UUID`);
  if (typeof event.type !== 'string' || event.type.length === 0) throw new InvalidAppend(`events[${index}].type must be a non-empty string`);
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new InvalidAppend(`events[${index}].data must be a JSON object`);
  }
  const schemaVersion = event.schemaVersion ?? 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new InvalidAppend(`events[${index}].schemaVersion must be an integer >= 1`);
  const content = { streamId, eventId: event.eventId.toLowerCase(), type: event.type, schemaVersion, data: event.data, metadata: event.metadata ?? {}, recordedAt };
  const canonicalData = canonicalJson(content.data);
  const canonicalMetadata = canonicalJson(content.metadata);
  const contentHash = contentHashOf(content, canonicalContentOf(content, canonicalData, canonicalMetadata));
  return {
    eventId: content.eventId,
    type: content.type,
    schemaVersion,
    data: content.data,
    metadata: content.metadata,
    recordedAt: recordedAt.toISOString(),
    canonicalData,
    canonicalMetadata,
    contentHash,
  };
};

/** The batch as the general append and the retry check read it: a JSON array, one element per event. */
export const toBatchPayload = (shapes: readonly StoredShape[]): string =>
  JSON.stringify(
    shapes.map((shape) => ({
      eventId: shape.eventId,
      type: shape.type,
      schemaVersion: shape.schemaVersion,
      data: shape.data,
      metadata: shape.metadata,
      recordedAt: shape.recordedAt,
      contentHash: shape.contentHash.toString('hex'),
    })),
  );
