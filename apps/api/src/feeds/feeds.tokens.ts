import type { FeedRelay } from '@claims/feed';

/** How the feeds module runs: the relay of this process (none when Kafka is off or the worker relays). */
export interface FeedsOptions {
  relay?: FeedRelay;
  /** Idle time before an SSE heartbeat comment. Default 15 s. */
  heartbeatMs?: number;
  /** How often an idle SSE stream polls when no notification arrives. Default 1000 ms. */
  pollIntervalMs?: number;
}

export const FEEDS_OPTIONS = Symbol('FEEDS_OPTIONS');
