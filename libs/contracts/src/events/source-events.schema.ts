import { z } from 'zod';
import { defineEvent } from './event-envelope';
import { ActorId, Identifier, Name, Reason, Timestamp } from './primitives.schema';
import { SourceKind, SourceReliability } from './vocabulary.schema';

/** Every event records when it was decided and by whom; both arrive in the command, never from a clock. */
const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

export const SourceRegisteredData = z.strictObject({
  sourceId: Identifier,
  name: Name,
  kind: SourceKind,
  /** The party the source belongs to or speaks for, e.g. "Islamic State" for al-Naba. */
  affiliation: Name.optional(),
  /** Outlets that are one voice (an armed group's media network, a syndicate) share an origin group. */
  originGroup: Name.optional(),
  reliability: SourceReliability,
  ...recorded,
});

/** Only the fields that changed; `null` clears an optional field. */
export const SourceDetailsChangedData = z.strictObject({
  sourceId: Identifier,
  name: Name.optional(),
  kind: SourceKind.optional(),
  affiliation: Name.nullable().optional(),
  originGroup: Name.nullable().optional(),
  ...recorded,
});

export const SourceReliabilityRegradedData = z.strictObject({
  sourceId: Identifier,
  previousReliability: SourceReliability,
  reliability: SourceReliability,
  reason: Reason,
  ...recorded,
});

export const SourceRegistered = defineEvent('SourceRegistered', SourceRegisteredData);
export const SourceDetailsChanged = defineEvent('SourceDetailsChanged', SourceDetailsChangedData);
export const SourceReliabilityRegraded = defineEvent('SourceReliabilityRegraded', SourceReliabilityRegradedData);

/** Any event of a source stream, discriminated by `type`. */
export const SourceEvent = z.discriminatedUnion('type', [
  SourceRegistered,
  SourceDetailsChanged,
  SourceReliabilityRegraded,
]);

export type SourceRegistered = z.infer<typeof SourceRegistered>;
export type SourceDetailsChanged = z.infer<typeof SourceDetailsChanged>;
export type SourceReliabilityRegraded = z.infer<typeof SourceReliabilityRegraded>;
export type SourceEvent = z.infer<typeof SourceEvent>;
export type SourceEventType = SourceEvent['type'];
