import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Icd203Band } from '@claims/contracts';
import { enqueueStatusChange, type AssessedStatus } from '@claims/feed';

/**
 * How the bench makes one status change happen. Today: the projection's own transaction shape, written
 * straight to the outbox. When the claim commands exist, an `http` driver (POST a corroboration that moves
 * a claim's band) slots in here with the same contract: resolve once the change is committed, with the
 * id of the status-change message it caused.
 */
export interface StatusChangeDriver {
  readonly name: string;
  /** Makes change number `sequence` happen; resolves after the commit with the message id it enqueued. */
  change(sequence: number): Promise<string>;
}

const BANDS: Icd203Band[] = ['almost_no_chance', 'very_unlikely', 'unlikely', 'roughly_even_chance', 'likely', 'very_likely', 'almost_certain'];

/** One transaction per change, as the inline projection will run it: (append +) update the row + enqueue. */
export class OutboxDriver implements StatusChangeDriver {
  readonly name = 'outbox';
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
