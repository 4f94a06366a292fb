/** Logical topic names. The relay publishes to `<prefix><topic>` (the prefix is empty in production). */
export const STATUS_TOPIC = 'claims.status.v1';
export const EVENTS_TOPIC = 'claims.events.v1';

/** CloudEvents `type` of a status change; the domain events' types are `EVENT_TYPE_PREFIX + <EventType>.v<schema>`. */
export const STATUS_CHANGED_TYPE = 'org.claim-ledger.claim.status-changed.v1';
export const EVENT_TYPE_PREFIX = 'org.claim-ledger.event.';
/** CloudEvents `source` of everything this service publishes. */
export const CLOUDEVENTS_SOURCE = 'urn:claim-ledger';
/** The HTTP feed's entry type (the part of the CloudEvents type after the prefix). */
export const STATUS_FEED_ENTRY_TYPE = 'claim.status-changed.v1';
