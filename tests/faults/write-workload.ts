import { randomUUID } from 'node:crypto';
import { openClaimBody, report } from '../api/api-fixtures';

/** A write the API acknowledged (2xx), with what must be readable afterwards. */
export type AcknowledgedWrite = { writer: number; at: number } & (
  | { kind: 'source'; sourceId: string }
  | { kind: 'claim'; claimId: string; version: number }
  | { kind: 'report'; claimId: string; version: number }
);

export interface WriteWorkload {
  acknowledged: AcknowledgedWrite[];
  /** Requests that failed (5xx, 409 in progress, connection errors) and were sent again with the same key. */
  retries(): number;
  /** Refusals that are not the fault's doing (a 4xx other than "in progress"), and requests never acknowledged: each fails the test. */
  refusals: string[];
  /**
   * One new write (a source, with a key of its own) sent until acknowledged: how soon the service takes
   * writes again, whatever the writers' cut-off requests wait for. Counted among the acknowledged.
   */
  probe(): Promise<void>;
  /** Lets each writer finish the request in flight (retrying it until acknowledged), then stops. */
  stop(): Promise<void>;
}

// While a fault lasts a retry is answered at once (connection refused, 5xx); spacing them keeps the log readable.
const RETRY_PAUSE_MS = 100;
/**
 * A request not acknowledged within this long fails the test: the service did not recover. A request cut
 * off by the fault leaves nothing behind (its key is recorded only with its committed command), so its
 * retry is served as soon as the database is back.
 */
const RETRY_DEADLINE_MS = 30_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `writers` concurrent HTTP clients doing what a verification desk does: register sources, open claims and
 * add supporting and disputing reports, each request with its own `Idempotency-Key`. A request that fails
 * because of the fault is sent again with the same key until it is acknowledged, as a careful client does
 * (and given up at once when `serviceRunning` says the service's process is gone).
 */
export const startWriteWorkload = (baseUrl: string, authorization: string, writers = 4, serviceRunning: () => boolean = () => true): WriteWorkload => {
  const acknowledged: AcknowledgedWrite[] = [];
  const refusals: string[] = [];
  let retries = 0;
  let stopping = false;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read field by field by the callers
  const send = async (method: string, path: string, body: unknown): Promise<any> => {
    const key = randomUUID();
    const deadline = Date.now() + RETRY_DEADLINE_MS;
    let lastAnswer = '';
    for (;;) {
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.ok) return JSON.parse(text);
        lastAnswer = `${response.status} ${text}`;
        const problem = text ? JSON.parse(text) : {};
        if (response.status < 500 && !(response.status === 409 && problem.code === 'IDEMPOTENCY_KEY_IN_PROGRESS')) {
          refusals.push(`${method} ${path} → ${response.status} ${text}`);
          return undefined;
        }
      } catch (error) {
        // connection refused or reset while the service's database is away: retry below
        lastAnswer = error instanceof Error ? error.message : String(error);
      }
      if (!serviceRunning()) throw new Error(`${method} ${path}: the service exited`);
      if (Date.now() > deadline) throw new Error(`${method} ${path} (Idempotency-Key ${key}) not acknowledged within ${RETRY_DEADLINE_MS} ms; last answer: ${lastAnswer}`);
      retries++;
      await pause(RETRY_PAUSE_MS);
    }
  };

  const writer = async (index: number) => {
    const sources: string[] = [];
    for (let round = 0; !stopping; round++) {
      if (sources.length < 3 || round % 5 === 0) {
        const source = await send('POST', '/sources', { name: `Writer ${index} source ${sources.length}`, kind: 'news_outlet', reliability: 'C' });
        if (!source) return;
        sources.push(source.id);
        acknowledged.push({ writer: index, kind: 'source', at: Date.now(), sourceId: source.id });
        continue;
      }
      const [first, second, third] = [...sources].sort(() => Math.random() - 0.5);
      const claim = await send('POST', '/claims', openClaimBody(first, { statement: `Writer ${index} round ${round}: an attack near Kalamba` }));
      if (!claim) return;
      acknowledged.push({ writer: index, kind: 'claim', at: Date.now(), claimId: claim.id, version: claim.version });
      const supported = await send('POST', `/claims/${claim.id}/reports`, { stance: 'supports', report: report(second, { url: `https://news.example.org/${randomUUID()}` }) });
      if (!supported) return;
      acknowledged.push({ writer: index, kind: 'report', at: Date.now(), claimId: claim.id, version: supported.claim.version });
      const disputed = await send('POST', `/claims/${claim.id}/reports`, { stance: 'disputes', reason: 'denies it happened', report: report(third, { url: `https://news.example.org/${randomUUID()}` }) });
      if (!disputed) return;
      acknowledged.push({ writer: index, kind: 'report', at: Date.now(), claimId: claim.id, version: disputed.claim.version });
    }
  };

  // A writer whose request was never acknowledged stops and says so; the others carry on.
  const running = Promise.all(Array.from({ length: writers }, (_, index) => writer(index).catch((error: Error) => void refusals.push(error.message))));
  return {
    acknowledged,
    refusals,
    retries: () => retries,
    probe: async () => {
      const source = await send('POST', '/sources', { name: `Probe ${acknowledged.length}`, kind: 'news_outlet' });
      if (source) acknowledged.push({ writer: -1, kind: 'source', at: Date.now(), sourceId: source.id });
    },
    stop: async () => {
      stopping = true;
      await running;
    },
  };
};

/** What the acknowledged writes say must be in the store: each source once, each claim with exactly its acknowledged reports. */
export const expectedContent = (acknowledged: AcknowledgedWrite[]) => {
  const sources = new Set<string>();
  const claims = new Map<string, { events: number; version: number }>();
  for (const write of acknowledged) {
    if (write.kind === 'source') sources.add(write.sourceId);
    else {
      const claim = claims.get(write.claimId) ?? { events: 0, version: 0 };
      claims.set(write.claimId, { events: claim.events + 1, version: Math.max(claim.version, write.version) });
    }
  }
  return { sources, claims };
};
