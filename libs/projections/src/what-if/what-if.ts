import type { Pool } from 'pg';
import type { ClaimStatus, CredibilityRating, Icd203Band, PublishedStatus } from '@claims/contracts';
import type { AssessmentParams } from '@claims/domain';
import { compareLogPositions, countLogEvents, formatLogPosition, withTransaction, type LogPosition, type Queryable } from '@claims/event-store';
import type { ClaimView } from '../claim-view/claim-view.projection';
import { foldSources, readClaimBatch } from '../rebuild/rebuild';
import { ClaimFold, type SourceFolds } from '../rebuild/replay-folds';
import { STREAM_PREFIXES } from '../streams';

/** The fields a what-if compares: what feeds publish (status, rating, band) and the status a verdict hides. */
export const WHAT_IF_FIELDS = ['status', 'computedStatus', 'credibilityRating', 'band'] as const;
export type WhatIfField = (typeof WHAT_IF_FIELDS)[number];

/** A claim's headline under one model. */
export interface WhatIfHeadline {
  status: PublishedStatus;
  computedStatus: ClaimStatus;
  credibilityRating: CredibilityRating;
  band: Icd203Band;
  confidence: number;
  modelVersion: string;
}

/** One claim the candidate model would move. */
export interface WhatIfChange {
  claimId: string;
  statement: string;
  /** The live row (null when the claim has none: a store imported without a rebuild). */
  before: WhatIfHeadline | null;
  after: WhatIfHeadline;
  changed: WhatIfField[];
}

export interface WhatIfReport {
  /** The candidate model. */
  modelVersion: string;
  /** The last event replayed: the live rows compared were read in the same snapshot. */
  position: string | null;
  events: number;
  claims: number;
  /** Live claim rows by the model that produced them. */
  liveRowsByModel: Record<string, number>;
  /** Claims with at least one changed field. */
  changed: number;
  /** Per field, how many claims move from one value to another: `{ status: { 'unverified -> contested': 3 } }`. */
  transitions: Record<WhatIfField, Record<string, number>>;
  /** Every changed claim, in claim id order. */
  changes: WhatIfChange[];
}

export interface WhatIfOptions {
  params: AssessmentParams;
  /** Events per read (default 2,000). */
  batchSize?: number;
  onStart?: (info: { total: number }) => void;
  onProgress?: (events: number) => void;
}

/** Beyond any position: with a snapshot, "every event it sees". */
const END_OF_LOG: LogPosition = { transactionId: (2n ** 64n - 1n).toString(), globalPosition: Number.MAX_SAFE_INTEGER };

interface LiveRow {
  claim_id: string;
  status: PublishedStatus;
  computed_status: ClaimStatus;
  credibility_rating: CredibilityRating;
  band: Icd203Band;
  confidence: number;
  model_version: string;
}

const headlineOfView = ({ assessment }: ClaimView): WhatIfHeadline => ({
  status: assessment.publishedStatus,
  computedStatus: assessment.computedStatus,
  credibilityRating: assessment.credibilityRating,
  band: assessment.band,
  confidence: assessment.confidence,
  modelVersion: assessment.modelVersion,
});

const headlineOfRow = (row: LiveRow): WhatIfHeadline => ({
  status: row.status,
  computedStatus: row.computed_status,
  credibilityRating: row.credibility_rating,
  band: row.band,
  confidence: row.confidence,
  modelVersion: row.model_version,
});

/**
 * Replays the log with a candidate assessment model and compares every claim with its live row, writing
 * nothing: one `REPEATABLE READ READ ONLY` transaction, so the events replayed and the live rows compared
 * are one snapshot (a write committed meanwhile is in neither), and the database refuses any write. A
 * read-only transaction has no transaction id, so it holds back no reader of the log, however long it runs.
 *
 * It folds the log the way a rebuild does (sources in memory, then claim streams one at a time, in
 * batches), so memory stays flat whatever the log's size.
 */
export const whatIfModel = (pool: Pool, options: WhatIfOptions): Promise<WhatIfReport> =>
  withTransaction(
    pool,
    async (client) => {
      const batchSize = options.batchSize ?? 2_000;
      const progress = options.onProgress ?? (() => undefined);
      options.onStart?.({ total: await countLogEvents(client, { prefixes: [STREAM_PREFIXES.source, STREAM_PREFIXES.claim], upTo: END_OF_LOG }) });

      const { rows: byModel } = await client.query<{ model_version: string; rows: string }>(
        'SELECT model_version, count(*) AS rows FROM claim_view GROUP BY model_version ORDER BY model_version',
      );
      const report: WhatIfReport = {
        modelVersion: options.params.modelVersion,
        position: null,
        events: 0,
        claims: 0,
        liveRowsByModel: Object.fromEntries(byModel.map((row) => [row.model_version, Number(row.rows)])),
        changed: 0,
        transitions: { status: {}, computedStatus: {}, credibilityRating: {}, band: {} },
        changes: [],
      };
      let last: LogPosition | undefined;
      const seen = (position: LogPosition | undefined) => {
        if (position && (!last || compareLogPositions(position, last) > 0)) last = position;
      };
      const sources = await foldSources(client, END_OF_LOG, batchSize, (n, lastRead) => {
        report.events += n;
        seen(lastRead);
        progress(n);
      });

      let current: ClaimFold | undefined;
      let after: readonly [string, number] = ['', Number.MAX_SAFE_INTEGER];
      for (;;) {
        const rows = await readClaimBatch(client, after, END_OF_LOG, batchSize);
        const finished = rows.length < batchSize;
        const done: ClaimView[] = [];
        for (const event of rows) {
          if (!current || current.streamId !== event.streamId) {
            if (current) pushView(done, current, sources, options.params);
            current = new ClaimFold(event.streamId.slice(STREAM_PREFIXES.claim.length));
          }
          current.apply(event);
          seen(event.position);
        }
        if (finished && current) pushView(done, current, sources, options.params);
        await compareWithLive(client, done, report);
        report.events += rows.length;
        progress(rows.length);
        if (finished) break;
        const tail = rows[rows.length - 1];
        after = [tail.streamId, tail.streamVersion];
      }
      report.position = last ? formatLogPosition(last) : null;
      return report;
    },
    { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
  );

const pushView = (done: ClaimView[], fold: ClaimFold, sources: SourceFolds, params: AssessmentParams) => {
  const view = fold.view(sources, params);
  if (view) done.push(view);
};

/** Compares a batch of replayed claims with their live rows, adding the changed ones to the report. */
const compareWithLive = async (db: Queryable, views: readonly ClaimView[], report: WhatIfReport): Promise<void> => {
  report.claims += views.length;
  if (views.length === 0) return;
  const { rows } = await db.query<LiveRow>(
    `SELECT claim_id, status, computed_status, credibility_rating, band, confidence, model_version FROM claim_view WHERE claim_id = ANY($1::text[])`,
    [views.map((view) => view.claimId)],
  );
  const live = new Map(rows.map((row) => [row.claim_id, headlineOfRow(row)]));
  for (const view of views) {
    const before = live.get(view.claimId) ?? null;
    const after = headlineOfView(view);
    const changed = WHAT_IF_FIELDS.filter((field) => before === null || before[field] !== after[field]);
    if (changed.length === 0) continue;
    for (const field of changed) {
      const transition = `${before === null ? '(no live row)' : String(before[field])} -> ${String(after[field])}`;
      report.transitions[field][transition] = (report.transitions[field][transition] ?? 0) + 1;
    }
    report.changed += 1;
    report.changes.push({ claimId: view.claimId, statement: view.claim.statement, before, after, changed });
  }
};
