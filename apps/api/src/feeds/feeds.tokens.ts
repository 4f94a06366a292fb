import type { FeedRelay } from '@claims/feed';

/** How the feeds module runs: the relay of this process (none when Kafka is off or the worker relays). */
export interface FeedsOptions {
  relay?: FeedRelay;
  /** Idle time before an SSE heartbeat comment. Default 15 s. */
  heartbeatMs?: number;
  /**
   * How often the streams' shared wake-up looks at the feed's head when no notification arrives (a row
   * becomes readable without one when an older transaction ends). One query per interval for the whole
   * process, however many streams are open. Default 1000 ms.
   */
  pollIntervalMs?: number;
  /** Open SSE streams per API key; the next is a 429. Default 5. */
  maxStreamsPerKey?: number;
  /** Open SSE streams in this process; the next is a 429. Default 200. */
  maxStreams?: number;
}

export const FEEDS_OPTIONS = Symbol('FEEDS_OPTIONS');
