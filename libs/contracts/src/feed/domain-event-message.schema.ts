import { z } from 'zod';
import { Identifier, Timestamp } from '../events/primitives.schema';
import { FeedLogPosition } from './status-changed.schema';

/**
 * `claims.events.v1`: one message per domain event (claims and sources), for replicas. Key = `subject`
 * (the claim or source id), so one claim's events stay in log order. `data` is the event's validated,
 * upcast payload (libs/contracts events); `type` is its event type.
 */
export const DomainEventMessageV1 = z.strictObject({
  /** The event id (also `ce_id`). */
  id: z.uuid(),
  type: z.string().min(1).max(100),
  /** The claim or source the event belongs to. */
  subject: Identifier,
  streamId: z.string().min(1),
  streamVersion: z.number().int().positive(),
  position: FeedLogPosition,
  recordedAt: Timestamp,
  correlationId: z.string().optional(),
  causationId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type DomainEventMessageV1 = z.infer<typeof DomainEventMessageV1>;
