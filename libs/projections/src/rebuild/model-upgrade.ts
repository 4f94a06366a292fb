import type { ClaimStatusSnapshotV1 } from '@claims/contracts';
import type { Queryable } from '@claims/event-store';
import { enqueueFeedMessages, statusChangedFeedMessage, toModelUpgradeMessage, type AssessedStatus } from '@claims/feed';
import { shadowOf } from './rebuild-tables';

/** What switching the live rows to a rebuild's model did (a rebuild with the live rows' model switches nothing). */
export interface ModelUpgradeReport {
  /** The model the rebuilt rows were assessed with. */
  modelVersion: string;
  /** Live claim rows by the model that produced them, just before the swap. */
  liveRowsByModel: Record<string, number>;
  /** Claims whose live row came from another model and whose published status, rating or band the new one moves. */
  headlineChanges: number;
  /** Status-change messages written to the outbox (cause `AssessmentModelUpgraded`): one per such claim. */
  messages: number;
}

interface HeadlinePair {
  claim_id: string;
  old_status: ClaimStatusSnapshotV1['status'];
  old_rating: ClaimStatusSnapshotV1['credibilityRating'];
  old_band: ClaimStatusSnapshotV1['band'];
  old_confidence: number;
  old_model: string;
  new_status: ClaimStatusSnapshotV1['status'];
  new_rating: ClaimStatusSnapshotV1['credibilityRating'];
  new_band: ClaimStatusSnapshotV1['band'];
  new_confidence: number;
  new_model: string;
}

// Only the headline columns: a model switch of 50,000 claims reads a few MB, not the claim documents.
const HEADLINE_PAIRS_SQL = `SELECT n.claim_id, o.status AS old_status, o.credibility_rating AS old_rating, o.band AS old_band,
         o.confidence AS old_confidence, o.model_version AS old_model, n.status AS new_status, n.credibility_rating AS new_rating,
         n.band AS new_band, n.confidence AS new_confidence, n.model_version AS new_model
    FROM claim_view o JOIN ${shadowOf('claim_view')} n ON n.claim_id = o.claim_id
   WHERE o.model_version IS DISTINCT FROM n.model_version
     AND (o.status, o.credibility_rating, o.band) IS DISTINCT FROM (n.status, n.credibility_rating, n.band)
   ORDER BY n.claim_id`;

const MESSAGES_PER_STATEMENT = 1000;

const assessed = (status: AssessedStatus['publishedStatus'], rating: AssessedStatus['credibilityRating'], band: AssessedStatus['band'], confidence: number, modelVersion: string): AssessedStatus => ({
  publishedStatus: status,
  credibilityRating: rating,
  band,
  confidence,
  modelVersion,
});

/**
 * Run in the rebuild's swap transaction, after the last catch-up and before the rename: for every claim whose
 * live row was assessed by another model than its rebuilt row, and whose published status, rating or band
 * differs between the two, writes one `claim.status-changed.v1` message with the cause
 * `AssessmentModelUpgraded` to the outbox. The swap and the messages commit together, so consumers learn
 * of every headline the switch moved exactly when readers see it, and of nothing else: a claim the new
 * model leaves where it was gets no message, and no claim stream gets an event.
 *
 * The messages' position is `<this transaction's id>-0`: the swap holds the source catalogue lock every
 * claim and source writer takes before it writes, so every event it re-assessed has a lower transaction id
 * and every later one a higher id.
 */
export const announceModelUpgrade = async (client: Queryable, modelVersion: string): Promise<ModelUpgradeReport> => {
  const { rows: byModel } = await client.query<{ model_version: string; rows: string }>(
    'SELECT model_version, count(*) AS rows FROM claim_view GROUP BY model_version ORDER BY model_version',
  );
  const liveRowsByModel = Object.fromEntries(byModel.map((row) => [row.model_version, Number(row.rows)]));
  const report: ModelUpgradeReport = { modelVersion, liveRowsByModel, headlineChanges: 0, messages: 0 };
  if (byModel.every((row) => row.model_version === modelVersion)) return report;

  const { rows: pairs } = await client.query<HeadlinePair>(HEADLINE_PAIRS_SQL);
  report.headlineChanges = pairs.length;
  if (pairs.length === 0) return report;
  const { rows: swap } = await client.query<{ transaction_id: string; at: Date }>('SELECT pg_current_xact_id()::text AS transaction_id, now() AS at');
  const upgrade = { modelVersion, position: { transactionId: swap[0].transaction_id, globalPosition: 0 }, at: swap[0].at };
  for (let start = 0; start < pairs.length; start += MESSAGES_PER_STATEMENT) {
    const messages = pairs.slice(start, start + MESSAGES_PER_STATEMENT).flatMap((pair) => {
      const message = toModelUpgradeMessage(
        {
          claimId: pair.claim_id,
          before: assessed(pair.old_status, pair.old_rating, pair.old_band, pair.old_confidence, pair.old_model),
          after: assessed(pair.new_status, pair.new_rating, pair.new_band, pair.new_confidence, pair.new_model),
        },
        upgrade,
      );
      return message ? [statusChangedFeedMessage(message)] : [];
    });
    report.messages += await enqueueFeedMessages(client, messages);
  }
  return report;
};
