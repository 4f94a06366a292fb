import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostOf, resolveDeliveryAddresses } from './webhook-address';

export interface WebhookAttemptResult {
  /** 2xx: delivered. Anything else, a redirect included, is a failure to retry. */
  ok: boolean;
  statusCode: number | null;
  /** `HTTP 500`, `HTTP 302 (redirects are not followed)`, `timeout after 10000 ms`, `ECONNREFUSED`, … */
  error: string | null;
  durationMs: number;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * The connection's address comes from our own lookup, which refuses private addresses: the name is
 * resolved and checked once per attempt, and the socket connects to the checked address, so a DNS answer
 * that changes between the check and the connection (rebinding) cannot steer it elsewhere.
 */
const checkedLookup =
  (allowPrivate: boolean): LookupFunction =>
  (hostname, options, callback) => {
    resolveDeliveryAddresses(hostname, allowPrivate).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (error: Error) => callback(Object.assign(error, { code: 'EREFUSED' }), '', 0),
    );
  };

/** One POST of a delivery: no redirect followed, no body read beyond what draining takes, `timeoutMs` for the whole exchange. */
export const sendWebhook = async (request: WebhookRequest): Promise<WebhookAttemptResult> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(request.url);
  try {
    // An IP literal never reaches the lookup: check it here.
    await resolveDeliveryAddresses(hostOf(url), request.allowPrivate);
  } catch (error) {
    return { ok: false, statusCode: null, error: `refused: ${(error as Error).message}`, durationMs: elapsed() };
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookAttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookAttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const outgoing = client.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(request.body)), 'user-agent': 'claim-ledger-webhooks/1' },
        lookup: checkedLookup(request.allowPrivate),
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('end', () =>
          finish(
            status >= 200 && status < 300
              ? { ok: true, statusCode: status, error: null }
              : { ok: false, statusCode: status, error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}` },
          ),
        );
        response.on('error', (error) => finish({ ok: false, statusCode: status, error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, statusCode: null, error: `timeout after ${request.timeoutMs} ms` });
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, statusCode: null, error: error.code ? `${error.code}: ${error.message}` : error.message }));
    outgoing.end(request.body);
  });
};
