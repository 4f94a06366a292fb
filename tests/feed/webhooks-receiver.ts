import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered (-1: it hung up). */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** What the receiver does with the next requests: answer 2xx, 500, redirect, or hang up without answering. */
export type ReceiverMode = 'accept' | 'fail' | 'redirect' | 'hang-up';

/** A local webhook receiver (`http.createServer`) that keeps every request it got and how it answered. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  mode: ReceiverMode = 'accept';
  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      const entry = { path: request.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), status: 0, at: Date.now() };
      this.received.push(entry);
      if (this.mode === 'hang-up' || request.url?.startsWith('/hang-up')) {
        entry.status = -1;
        request.socket.destroy();
        return;
      }
      entry.status = this.mode === 'fail' ? 500 : this.mode === 'redirect' || request.url?.startsWith('/redirect') ? 302 : 204;
      response.writeHead(entry.status, entry.status === 302 ? { location: `${this.url}/redirected` } : {});
      response.end();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests it answered 2xx. */
  accepted(path?: string): ReceivedWebhook[] {
    return this.received.filter((entry) => entry.status >= 200 && entry.status < 300 && (path === undefined || entry.path === path));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
