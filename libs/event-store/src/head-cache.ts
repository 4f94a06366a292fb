/** A stream's last event: its version and hash (hex). Immutable once committed, so it can be cached. */
export interface StreamHead {
  version: number;
  hash: string;
}

/** Stream heads remembered per store (least recently used dropped first). */
const DEFAULT_CAPACITY = 10_000;

/**
 * Committed stream heads this process saw (its own appends, its reads outside callers' transactions), so a
 * single-event append after one of them needs no head lookup. Only committed heads go in: a head inside a
 * caller's transaction could still be rolled back. A stale entry costs nothing but the fast path: its
 * version is taken, the unique index refuses the row, and the general append decides.
 */
export class HeadCache {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  remember(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value as string);
  }
}
