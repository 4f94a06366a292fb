import { z } from 'zod';
import { defineEvent } from './event-envelope';
import { ActorId, Identifier, Name, Reason, Timestamp } from './primitives.schema';
import { SealedValueSchema } from './sealed-value.schema';
import { SourceKind, SourceReliability } from './vocabulary.schema';

/** Every event records when it was decided and by whom; both arrive in the command, never from a clock. */
const recorded = { recordedAt: Timestamp, recordedBy: ActorId } as const;

/** What a confidential source's identity holds, sealed: its name and the desk's contact notes. */
export const ConfidentialIdentity = z.strictObject({
  name: Name,
  contactNotes: z.string().trim().min(1).max(4000).optional(),
});
export type ConfidentialIdentity = z.infer<typeof ConfidentialIdentity>;

/**
 * A confidential source: `number` (in clear, stable) makes its pseudonym, which is what the event's `name`
 * holds; the real identity is only in `identity`, sealed.
 */
export const ConfidentialSourceData = z.strictObject({
  number: z.number().int().positive(),
  identity: SealedValueSchema,
});

export const SourceRegisteredData = z.strictObject({
  sourceId: Identifier,
  name: Name,
  kind: SourceKind,
  /** The party the source belongs to or speaks for, e.g. "Islamic State" for al-Naba. */
  affiliation: Name.optional(),
  /** Outlets that are one voice (an armed group's media network, a syndicate) share an origin group. */
  originGroup: Name.optional(),
  reliability: SourceReliability,
  /** Present for a source registered confidential: `name` is then its pseudonym. */
  confidential: ConfidentialSourceData.optional(),
  ...recorded,
});

/** Only the fields that changed; `null` clears an optional field. */
export const SourceDetailsChangedData = z.strictObject({
  sourceId: Identifier,
  name: Name.optional(),
  kind: SourceKind.optional(),
  affiliation: Name.nullable().optional(),
  originGroup: Name.nullable().optional(),
  /** A confidential source's new identity (name, contact notes), sealed; its `name` never changes. */
  identity: SealedValueSchema.optional(),
  ...recorded,
});

/**
 * From now on the source is confidential: `name` becomes the pseudonym. Its earlier events keep the name they
 * were written with (the log cannot forget); every read model shows the pseudonym.
 */
export const SourceMarkedConfidentialData = z.strictObject({
  sourceId: Identifier,
  name: Name,
  confidential: ConfidentialSourceData,
  ...recorded,
});

/** The source's data key was destroyed (crypto-shredding): its sealed fields read `[erased]` for good. No data, just why. */
export const SourceErasedData = z.strictObject({
  sourceId: Identifier,
  reason: Reason,
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
export const SourceMarkedConfidential = defineEvent('SourceMarkedConfidential', SourceMarkedConfidentialData);
export const SourceErased = defineEvent('SourceErased', SourceErasedData);

/** Any event of a source stream, discriminated by `type`. */
export const SourceEvent = z.discriminatedUnion('type', [
  SourceRegistered,
  SourceDetailsChanged,
  SourceReliabilityRegraded,
  SourceMarkedConfidential,
  SourceErased,
]);

export type SourceRegistered = z.infer<typeof SourceRegistered>;
export type SourceDetailsChanged = z.infer<typeof SourceDetailsChanged>;
export type SourceReliabilityRegraded = z.infer<typeof SourceReliabilityRegraded>;
export type SourceMarkedConfidential = z.infer<typeof SourceMarkedConfidential>;
export type SourceErased = z.infer<typeof SourceErased>;
export type SourceEvent = z.infer<typeof SourceEvent>;
export type SourceEventType = SourceEvent['type'];
