import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { Clock } from '../http/clock';
import { HttpProblem } from '../http/problem';
import { FEEDS_OPTIONS, type FeedsOptions } from './feeds.tokens';

/** Seconds a refused stream is told to wait: streams are long-lived, a slot frees when one closes. */
const RETRY_AFTER_SECONDS = 5;

/** An open stream's place: `signal` aborts when its key stops being valid; `release` frees the place. */
export interface FeedStreamLease {
  readonly signal: AbortSignal;
  /** Why the stream was ended by the server, once `signal` aborted. */
  readonly reason: () => string | undefined;
  release(): void;
}

interface OpenStream {
  controller: AbortController;
  reason?: string;
}

/**
 * The open SSE streams of the process: at most `maxStreamsPerKey` per API key and `maxStreams` in all
 * (429 `TOO_MANY_STREAMS` beyond), and each ended once the key that opened it is revoked or expires. A
 * key this process changes is checked at once; any other change (command line, another process) is seen
 * within the key cache's window, by rechecking every open key a few times per window through the
 * authenticator's cache (at most one lookup per key per window, however many streams it holds).
 */
@Injectable()
export class FeedStreams implements OnModuleDestroy {
  private readonly logger = new Logger(FeedStreams.name);
  private readonly byKey = new Map<string, Set<OpenStream>>();
  private readonly unsubscribe: () => void;
  private total = 0;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly clock: Clock,
    @Inject(FEEDS_OPTIONS) private readonly options: FeedsOptions,
  ) {
    this.unsubscribe = authenticator.onKeyChanged((keyId) => void this.recheck(keyId));
  }

  /** Streams open now. */
  get openCount(): number {
    return this.total;
  }

  /** Takes a place for a stream of `keyId`, or refuses with 429 when the key or the process is at its cap. */
  open(keyId: string): FeedStreamLease {
    const perKey = this.options.maxStreamsPerKey ?? 5;
    const max = this.options.maxStreams ?? 200;
    const streams = this.byKey.get(keyId) ?? new Set<OpenStream>();
    if (streams.size >= perKey) throw tooMany(`this API key already has ${streams.size} open streams (at most ${perKey}); close one first`);
    if (this.total >= max) throw tooMany(`this server already serves ${this.total} streams (at most ${max}); retry later`);
    const stream: OpenStream = { controller: new AbortController() };
    streams.add(stream);
    this.byKey.set(keyId, streams);
    this.total++;
    this.sweepTimer ??= setInterval(() => void this.sweep(), this.sweepIntervalMs()).unref();
    let released = false;
    return {
      signal: stream.controller.signal,
      reason: () => stream.reason,
      release: () => {
        if (released) return;
        released = true;
        streams.delete(stream);
        if (streams.size === 0) this.byKey.delete(keyId);
        this.total--;
        if (this.total === 0) this.stopSweeping();
      },
    };
  }

  /** Ends every open stream (the HTTP server then closes without waiting for clients to leave). */
  onModuleDestroy(): void {
    this.unsubscribe();
    this.stopSweeping();
    for (const streams of this.byKey.values()) this.end(streams, 'the server is shutting down');
  }

  // A quarter of the cache's window: a key changed elsewhere is seen at most a quarter-window after its
  // cached row goes stale.
  private sweepIntervalMs(): number {
    const ttl = this.authenticator.cacheTtlMs;
    return ttl > 0 ? Math.max(50, Math.floor(ttl / 4)) : 1000;
  }

  private stopSweeping(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const keyId of [...this.byKey.keys()]) await this.recheck(keyId);
    } finally {
      this.sweeping = false;
    }
  }

  private async recheck(keyId: string): Promise<void> {
    const streams = this.byKey.get(keyId);
    if (!streams?.size) return;
    let verdict: Awaited<ReturnType<ApiKeyAuthenticator['recheck']>>;
    try {
      verdict = await this.authenticator.recheck(keyId, this.clock.now());
    } catch (error) {
      // The database is away: the key stays as it was last known; the next sweep tries again.
      this.logger.warn(`could not recheck the key of open streams: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (verdict.ok) return;
    this.end(streams, verdict.reason === 'expired' ? 'the API key has expired' : verdict.reason === 'revoked' ? 'the API key was revoked' : 'the API key is no longer known');
  }

  private end(streams: Iterable<OpenStream>, reason: string): void {
    for (const stream of streams) {
      stream.reason ??= reason;
      stream.controller.abort();
    }
  }
}

const tooMany = (detail: string): HttpProblem =>
  new HttpProblem(429, 'TOO_MANY_STREAMS', 'Too many requests', detail, { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
