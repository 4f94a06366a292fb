import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { ClaimStatusChangedV1, Icd203Band } from '@claims/contracts';
import { enqueueStatusChange, type AssessedStatus } from '@claims/feed';

/**
 * How the bench makes one status change happen: `http` sends real commands to the API (the user's path),
 * `outbox` writes the projection's transaction shape straight to the outbox (the feed alone). Either way
 * `change` resolves once the change is committed (for `http`: when the response arrived) with a key that
 * `keyOf` also derives from the Kafka message it caused; `undefined` when that command moved no headline.
 */
export interface StatusChangeDriver {
  readonly name: string;
  change(sequence: number): Promise<string | undefined>;
  keyOf(message: ClaimStatusChangedV1, ceId: string): string;
  /** How long each write took (`http`: request to response, not counting a wait behind its claim's previous command; `outbox`: BEGIN to COMMIT). */
  readonly writeMs: number[];
}

const BANDS: Icd203Band[] = ['almost_no_chance', 'very_unlikely', 'unlikely', 'roughly_even_chance', 'likely', 'very_likely', 'almost_certain'];

/** One transaction per change, as the inline projection will run it: (append +) update the row + enqueue. */
export class OutboxDriver implements StatusChangeDriver {
  readonly name = 'outbox';
  readonly writeMs: number[] = [];

  keyOf(_message: ClaimStatusChangedV1, ceId: string): string {
    return ceId;
  }

  private readonly bands = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly claims: number,
  ) {}

  async change(sequence: number): Promise<string> {
    const claimId = `bench-claim-${sequence % this.claims}`;
    const band = this.bands.get(claimId) ?? 0;
    const assessment = (index: number): AssessedStatus => ({
      publishedStatus: 'unverified',
      credibilityRating: 3,
      confidence: 0.5,
      band: BANDS[index % BANDS.length],
      modelVersion: 'assessment-model-v1',
    });
    const client = await this.pool.connect();
    const started = performance.now();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const message = await enqueueStatusChange(client, {
        claimId,
        before: this.bands.has(claimId) ? assessment(band) : null,
        after: assessment(band + 1),
        cause: {
          eventId: randomUUID(),
          eventType: 'ClaimCorroborated',
          streamId: `claim-${claimId}`,
          streamVersion: band + 2,
          position: { transactionId: rows[0].xid, globalPosition: sequence + 1 },
          recordedAt: new Date(),
        },
      });
      await client.query('COMMIT');
      this.writeMs.push(performance.now() - started);
      this.bands.set(claimId, band + 1);
      if (!message) throw new Error('the bench driver made a change that is not a status change');
      return message.id;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

interface Headline {
  status: string;
  rating: number;
  band: string;
}

interface ClaimBody {
  id: string;
  version: number;
  assessment: { publishedStatus: string; credibilityRating: number; band: string };
  reports: Array<{ reportId: string; sourceId: string; active?: boolean; retracted?: unknown }>;
}

/**
 * Real commands over HTTP, cycling each claim through changes an analyst makes: open it (one source),
 * corroborate it from an independent source, then alternately dispute it (from a new source each time)
 * and retract that dispute. The key is the claim and the version the command produced, which the message
 * carries as its cause.
 */
export class HttpDriver implements StatusChangeDriver {
  readonly name = 'http';
  readonly writeMs: number[] = [];
  private readonly state = new Map<number, { id: string; step: number; headline: Headline; dispute?: string }>();
  /** One command at a time per claim, as an analyst works: a slow answer delays that claim's next command. */
  private readonly inFlight = new Map<number, Promise<unknown>>();

  constructor(
    private readonly base: string,
    private readonly authorization: string,
    private readonly claims: number,
    private readonly sources: { opener: string; corroborator: string; disputers: string[] },
  ) {}

  static async registerSources(base: string, authorization: string, disputers: number): Promise<HttpDriver['sources']> {
    const register = async (name: string, kind: string) =>
      ((await post(base, authorization, '/sources', { name, kind, reliability: 'B' })) as { id: string }).id;
    return {
      opener: await register('Bench wire service', 'wire_agency'),
      corroborator: await register('Bench research group', 'research_organisation'),
      disputers: await Promise.all(Array.from({ length: disputers }, (_, index) => register(`Bench ministry ${index}`, 'government_or_military'))),
    };
  }

  keyOf(message: ClaimStatusChangedV1): string {
    return `${message.claimId}:${message.cause.streamVersion}`;
  }

  change(sequence: number): Promise<string | undefined> {
    const index = sequence % this.claims;
    const previous = this.inFlight.get(index) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.changeClaim(index, sequence));
    this.inFlight.set(index, next);
    return next;
  }

  private async changeClaim(index: number, sequence: number): Promise<string | undefined> {
    const started = performance.now();
    try {
      return await this.sendCommand(index, sequence);
    } finally {
      this.writeMs.push(performance.now() - started);
    }
  }

  private async sendCommand(index: number, sequence: number): Promise<string | undefined> {
    const claim = this.state.get(index);
    const report = (sourceId: string) => ({ sourceId, publishedAt: '2023-11-03T08:00:00Z', url: `https://example.org/bench/${sequence}` });
    let body: ClaimBody;
    if (!claim) {
      body = (await post(this.base, this.authorization, '/claims', {
        statement: `Bench claim ${index}: an attack near Kalamba`,
        category: 'attack',
        actors: [{ name: 'ISGS', role: 'perpetrator' }],
        location: { placeName: 'Kalamba', country: 'Burkina Faso', precision: 'locality' },
        occurred: { start: '2023-10-20', precision: 'day' },
        report: report(this.sources.opener),
      })) as ClaimBody;
      this.state.set(index, { id: body.id, step: 1, headline: headlineOf(body) });
      return `${body.id}:${body.version}`;
    }
    const step = claim.step++;
    if (step === 1) {
      body = ((await post(this.base, this.authorization, `/claims/${claim.id}/reports`, { stance: 'supports', report: report(this.sources.corroborator) })) as { claim: ClaimBody }).claim;
    } else if (claim.dispute === undefined) {
      const disputer = this.sources.disputers[(step / 2) % this.sources.disputers.length | 0];
      const answer = (await post(this.base, this.authorization, `/claims/${claim.id}/reports`, {
        stance: 'disputes',
        reason: 'denies it happened',
        report: report(disputer),
      })) as { reportId: string; claim: ClaimBody };
      claim.dispute = answer.reportId;
      body = answer.claim;
    } else {
      body = (await post(this.base, this.authorization, `/claims/${claim.id}/reports/${claim.dispute}/retraction`, { reason: 'withdrawn' })) as ClaimBody;
      claim.dispute = undefined;
    }
    const headline = headlineOf(body);
    const moved = JSON.stringify(headline) !== JSON.stringify(claim.headline);
    claim.headline = headline;
    return moved ? `${body.id}:${body.version}` : undefined;
  }
}

const headlineOf = (body: ClaimBody): Headline => ({ status: body.assessment.publishedStatus, rating: body.assessment.credibilityRating, band: body.assessment.band });

// node:http with keep-alive rather than fetch: the driver shares its process (and, on a small machine, its
// cores) with the consumer whose receipt times are the measurement, and fetch costs several times the CPU
// per request (WHATWG streams over undici).
const agent = new http.Agent({ keepAlive: true });

const post = (base: string, authorization: string, path: string, body: unknown): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const request = http.request(
      `${base}${path}`,
      { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json', 'content-length': payload.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(new Error(`POST ${path}: ${status} ${text}`));
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
