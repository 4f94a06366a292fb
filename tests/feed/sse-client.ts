import http from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal Server-Sent Events client over node:http (what an EventSource does, minus reconnection, which
 * the tests drive themselves): parses events and comment lines as they arrive.
 */
export class SseConnection {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** Everything received, as text (a refused stream's problem+json body). */
  body = '';
  /** True once the server ended the response (or the connection broke). */
  ended = false;
  private request?: http.ClientRequest;
  private buffer = '';
  private readonly waiters = new Set<() => void>();

  static open(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    const connection = new SseConnection();
    return new Promise((resolve, reject) => {
      connection.request = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        connection.status = response.statusCode ?? 0;
        connection.headers = response.headers;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => connection.feed(chunk));
        response.on('error', () => undefined);
        response.on('close', () => connection.end());
        resolve(connection);
      });
      connection.request.on('error', reject);
    });
  }

  /** Waits until `done` holds for what arrived. */
  async waitFor(done: (connection: SseConnection) => boolean, timeoutMs = 30_000, what = 'SSE events'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.events.length} events, ${this.comments.length} comments`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 200));
        this.waiters.add(wake);
      });
    }
  }

  /** Waits until the server ends the stream. */
  waitForEnd(timeoutMs = 30_000, what = 'the end of the stream'): Promise<void> {
    return this.waitFor((connection) => connection.ended, timeoutMs, what);
  }

  /** Drops the connection abruptly, as a client that goes away would. */
  close(): void {
    this.request?.destroy();
  }

  private end(): void {
    this.ended = true;
    for (const wake of [...this.waiters]) wake();
  }

  private feed(chunk: string): void {
    this.body += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) this.events.push({ ...event, data: data.join('\n') });
    }
    for (const wake of [...this.waiters]) wake();
  }
}
