import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClaimLedgerMetrics } from './metrics';

export interface MetricsListener {
  /** The bound port (the one asked for, or the one the system chose for port 0). */
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on its own listener, apart from the API's port: a scraper needs no API key, and the
 * figures are not published where clients reach (default 127.0.0.1). Port 0 asks the system for a free one.
 */
export const startMetricsListener = (metrics: ClaimLedgerMetrics, options: { host: string; port: number }): Promise<MetricsListener> => {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        host: options.host,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
};
