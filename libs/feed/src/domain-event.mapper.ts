import { type DomainEventMessageV1, readClaimEvent, readSourceEvent, readWorkEvent, ClaimEvent, SourceEvent, WorkEvent } from '@claims/contracts';
import { formatLogPosition, type RecordedEvent } from '@claims/event-store';
import { EVENT_TYPE_PREFIX } from './feed.topics';

const CLAIM_TYPES = new Set<string>(ClaimEvent.options.map((option) => option.shape.type.value));
const SOURCE_TYPES = new Set<string>(SourceEvent.options.map((option) => option.shape.type.value));
// The desk's work events (assignment, work state, checklist, comments) go to the events topic too: they are
// not status changes, so the status topic never carries them.
const WORK_TYPES = new Set<string>(WorkEvent.options.map((option) => option.shape.type.value));

/** True for the events of the public contract (claims and sources); other streams' events are not published. */
export const isDomainEvent = (event: RecordedEvent): boolean => CLAIM_TYPES.has(event.type) || SOURCE_TYPES.has(event.type) || WORK_TYPES.has(event.type);

/**
 * Maps a stored domain event to its `claims.events.v1` message. The payload is read through the contract's
 * reader (upcast to the current schema version and validated): a stored event that does not parse throws,
 * and the publisher stops there rather than publish something consumers cannot read.
 */
export const toDomainEventMessage = (event: RecordedEvent): DomainEventMessageV1 => {
  const stored = { type: event.type, data: event.data, schemaVersion: event.schemaVersion };
  const parsed = CLAIM_TYPES.has(event.type) ? readClaimEvent(stored) : WORK_TYPES.has(event.type) ? readWorkEvent(stored) : readSourceEvent(stored);
  const data = parsed.data as Record<string, unknown>;
  const subject = typeof data.claimId === 'string' ? data.claimId : typeof data.sourceId === 'string' ? data.sourceId : event.streamId;
  return {
    id: event.eventId,
    type: parsed.type,
    subject,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    position: formatLogPosition(event),
    recordedAt: event.recordedAt.toISOString(),
    ...(typeof event.metadata.correlationId === 'string' ? { correlationId: event.metadata.correlationId } : {}),
    ...(typeof event.metadata.causationId === 'string' ? { causationId: event.metadata.causationId } : {}),
    data,
  };
};

/** CloudEvents `type` of a domain event message, e.g. `org.claim-ledger.event.ClaimCorroborated.v1`. */
export const domainEventCloudEventType = (message: DomainEventMessageV1): string => `${EVENT_TYPE_PREFIX}${message.type}.v1`;
