import { session } from './session';

/** One Server-Sent Event. */
export interface StreamEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Parses a text/event-stream incrementally (the WHATWG algorithm, reduced to what the API sends: `id`,
 * `event`, `data`, `retry` and comment lines). Feed it chunks; it returns the events each chunk completes.
 */
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];
  lastEventId: string | null = null;
  retryMs = 2000;

  push(chunk: string): StreamEvent[] {
    this.buffer += chunk;
    const events: StreamEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const length = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + length);
      if (line === '') {
        if (this.data.length > 0) events.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
        if (this.id !== null) this.lastEventId = this.id;
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return events;
  }
}

/** A `claim.status-changed.v1` message (docs/feeds.md). */
export interface StatusChange {
  claimId: string;
  changed: string[];
  previous: { status: string; band: string; confidence: number; credibilityRating: number } | null;
  current: { status: string; band: string; confidence: number; credibilityRating: number };
  cause: { eventType: string; position: string };
  occurredAt: string;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

/**
 * Follows `GET /feeds/status-changes` with fetch and the Authorization header (EventSource cannot send
 * one, and the key must not go in a URL). Reconnects with `Last-Event-ID` so nothing is missed; stops
 * when `signal` aborts, or for good on 401/403 (the key may not read the stream).
 */
export const followStatusChanges = (
  params: Record<string, string>,
  onChange: (change: StatusChange) => void,
  onState: (state: StreamState) => void,
  signal: AbortSignal,
): void => {
  const parser = new SseParser();
  const connect = async (): Promise<void> => {
    const search = new URLSearchParams(params);
    const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${session.key() ?? ''}` };
    if (parser.lastEventId) {
      headers['Last-Event-ID'] = parser.lastEventId;
      search.delete('from');
    }
    try {
      const response = await fetch(`/feeds/status-changes?${search}`, { headers, signal, cache: 'no-store', credentials: 'omit' });
      if (response.status === 401 || response.status === 403) return onState('unavailable');
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      onState('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) {
          if (event.event === 'claim.status-changed.v1') onChange(JSON.parse(event.data) as StatusChange);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      console.warn('status stream interrupted', error);
    }
    if (signal.aborted) return;
    onState('reconnecting');
    setTimeout(() => void connect(), parser.retryMs);
  };
  onState('connecting');
  void connect();
};
