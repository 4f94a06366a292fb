import { type z } from 'zod';
import { ClaimEvent, type ClaimEventType } from './claim-events.schema';
import { SourceEvent, type SourceEventType } from './source-events.schema';

/**
 * Schema version written with every new event (store metadata `schemaVersion`), unless its type declares
 * another (see `createEventReader`'s `currentVersions`).
 */
export const CURRENT_EVENT_SCHEMA_VERSION = 1;

/** Turns the `data` of one stored version into the `data` of the next version. */
export type EventUpcaster = (data: unknown) => unknown;

/** Per event type, upcasters keyed by the version they read: `{ ClaimAsserted: { 1: fromV1ToV2 } }`. */
export type EventUpcasters<Type extends string> = Partial<Record<Type, Readonly<Record<number, EventUpcaster>>>>;

/** An event as read from storage, before validation. A missing `schemaVersion` means v1. */
export interface StoredEvent {
  type: string;
  data: unknown;
  schemaVersion?: number;
}

/** Thrown when the store holds an event newer than this code, or an old version nobody can upcast. */
export class UnsupportedEventSchemaVersion extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly currentVersion = CURRENT_EVENT_SCHEMA_VERSION,
  ) {
    super(`No way to read ${eventType} schema v${schemaVersion} (current v${currentVersion})`);
    this.name = 'UnsupportedEventSchemaVersion';
  }
}

/**
 * Builds the reader that turns a stored event into a current, validated one: upcast step by step to its
 * type's current version (`currentVersions`, else {@link CURRENT_EVENT_SCHEMA_VERSION}), then parse with
 * the strict schema (throws `ZodError` on bad data).
 */
export const createEventReader =
  <Type extends string, Event extends { type: Type }>(
    schema: z.ZodType<Event>,
    upcasters: EventUpcasters<Type>,
    currentVersions: Partial<Record<Type, number>> = {},
  ) =>
  (stored: StoredEvent): Event => {
    const current = currentVersions[stored.type as Type] ?? CURRENT_EVENT_SCHEMA_VERSION;
    let version = stored.schemaVersion ?? 1;
    let data = stored.data;
    if (version > current) throw new UnsupportedEventSchemaVersion(stored.type, version, current);
    while (version < current) {
      const upcast = upcasters[stored.type as Type]?.[version];
      if (!upcast) throw new UnsupportedEventSchemaVersion(stored.type, version, current);
      data = upcast(data);
      version += 1;
    }
    return schema.parse({ type: stored.type, data });
  };

/** No upcasters yet: every claim and source event is at v1. Register them here when a v2 appears. */
export const claimEventUpcasters: EventUpcasters<ClaimEventType> = {};
export const sourceEventUpcasters: EventUpcasters<SourceEventType> = {};

/** Validates (and upcasts) a claim event read back from the store. */
export const readClaimEvent = createEventReader<ClaimEventType, ClaimEvent>(ClaimEvent, claimEventUpcasters);

/** Validates (and upcasts) a source event read back from the store. */
export const readSourceEvent = createEventReader<SourceEventType, SourceEvent>(SourceEvent, sourceEventUpcasters);
