import type { Pool, PoolClient } from 'pg';
import { CURRENT_ASSESSMENT_MODEL, type AssessmentParams } from '@claims/domain';
import {
  compareLogPositions,
  countLogEvents,
  formatLogPosition,
  LOG_START,
  readableHead,
  readLogByPrefix,
  readStreamForReplay,
  readStreamsByPrefix,
  type LogPosition,
  type Queryable,
  type ReplayEvent,
} from '@claims/event-store';
import type { ClaimView } from '../claim-view/claim-view.projection';
import { claimStreamId, parseStreamId, STREAM_PREFIXES } from '../streams';
import { holdOffAppends, inTransaction } from '../transaction';
import { announceModelUpgrade, type ModelUpgradeReport } from './model-upgrade';
import { ClaimFold, SourceFolds } from './replay-folds';
import { catchUpWorkStreams, replayWorkStreams } from '../work-view/work-view.rebuild';
import {
  addShadowIndexes,
  compareTables,
  createShadowTables,
  dropTables,
  previousOf,
  PROJECTION_NAMES,
  PROJECTIONS,
  shadowOf,
  shadowTablesExist,
  swapInShadow,
  writeClaimLinks,
  writeClaimRows,
  writeSourceRows,
  type ProjectionName,
  type TableDrift,
} from './rebuild-tables';

export interface RebuildOptions {
  /** Projections to rebuild (default: all). */
  projections?: readonly ProjectionName[];
  /** Events per read (default 2,000: a few batches in flight stay small, and their objects die young). */
  batchSize?: number;
  /** Keep `<table>_previous` after the swap (default: dropped once compared). */
  keepPrevious?: boolean;
  /**
   * The assessment model claims are assessed with (default: `CURRENT_ASSESSMENT_MODEL`, the one live writes
   * use). Rows the live table holds from another model are switched to it, and each claim whose headline
   * that moves gets a model-upgrade status change in the outbox (see `announceModelUpgrade`).
   */
  params?: AssessmentParams;
  /** Progress: `total` once known, then events replayed. */
  onStart?: (info: { total: number; resumed: boolean; cut: LogPosition }) => void;
  onProgress?: (events: number) => void;
  /** For tests: stop (as if killed) after this many claim batches, leaving the rebuild to resume. */
  stopAfterBatches?: number;
  /**
   * TOAST compression of the bulk-loaded documents (default `lz4` where the server has it, else the
   * server's default). A storage choice only: values read back are the same, and later writes of the live
   * projection use the column's setting. lz4 compresses the ~16 KB claim rows several times faster than
   * pglz, for about 15% more space.
   */
  toastCompression?: 'lz4' | 'server-default';
}

export interface RebuildReport {
  projections: ProjectionName[];
  resumed: boolean;
  /** The log position the bulk replay stopped at, and where the final catch-up (under the lock) ended. */
  cut: string;
  swappedAt: string;
  events: number;
  claims: number;
  sources: number;
  caughtUp: number;
  /** Live rows (just before the swap) compared with the rebuilt ones: there should be no difference. */
  drift: TableDrift[];
  /** The model the rows were rebuilt with, and what switching to it moved (claim_view only). */
  model?: ModelUpgradeReport;
  seconds: number;
  /** Seconds spent in each phase of this run: where a slow rebuild spends its time. */
  phases: { sources: number; replay: number; indexes: number; catchUp: number; swap: number };
}

/** Thrown by `stopAfterBatches`: the rebuild stopped where a crash would have, and can be resumed. */
export class RebuildInterrupted extends Error {
  constructor() {
    super('rebuild interrupted; run it again to resume');
    this.name = 'RebuildInterrupted';
  }
}

const MAX_VERSION = Number.MAX_SAFE_INTEGER;
const WORK_TABLES = { view: shadowOf('work_view'), comments: shadowOf('work_comments') };

interface RebuildState {
  cut: LogPosition;
  cursor: string | null;
  eventsDone: number;
  /** Where the interrupted run was: 'replay' (bulk load), 'catch-up' (bulk load done). */
  phase: string;
}

const targetKey = (projections: readonly ProjectionName[]): string => [...projections].sort().join('+');

/** Folds every source event up to `cut` (log order), in batches. */
export const foldSources = async (
  db: Queryable,
  cut: LogPosition,
  batchSize: number,
  onEvents: (n: number, lastRead: LogPosition | undefined) => void,
): Promise<SourceFolds> => {
  const sources = new SourceFolds();
  let after: LogPosition = LOG_START;
  for (;;) {
    const events = await readLogByPrefix(db, { prefixes: [STREAM_PREFIXES.source], after, upTo: cut, limit: batchSize });
    for (const event of events) sources.apply(event.streamId.slice(STREAM_PREFIXES.source.length), event);
    onEvents(events.length, events.at(-1)?.position);
    if (events.length < batchSize) return sources;
    after = events[events.length - 1].position;
  }
};

/** Claim events after `after` (a stream id and version) up to the cut, in (stream, version) order: each claim's events together. */
export const readClaimBatch = (db: Queryable, after: readonly [streamId: string, version: number], cut: LogPosition, limit: number): Promise<ReplayEvent[]> =>
  readStreamsByPrefix(db, { prefix: STREAM_PREFIXES.claim, after, upTo: cut, limit });

/**
 * Rebuilds projections from the log into shadow tables and swaps them in atomically.
 *
 * 1. Sources are folded in memory (one entry per source): the catalogue claims are assessed against.
 * 2. Claim streams are read in (stream, version) order up to a fixed cut, one claim folded at a time, and
 *    written in bulk per batch together with the resume cursor (`projection_rebuilds`): memory stays flat
 *    and an interrupted rebuild resumes after the last claim written.
 * 3. Events after the cut are caught up (claims they touch are recomputed from their streams), then once
 *    more under the exclusive catalogue lock, so no writer interleaves; in the same transaction the live
 *    rows are compared with the rebuilt ones and the tables are swapped by renames. Readers keep reading
 *    throughout and see the old tables or the new ones, never a mix.
 */
export const rebuildProjections = async (pool: Pool, options: RebuildOptions = {}): Promise<RebuildReport> => {
  const started = Date.now();
  const projections = [...new Set(options.projections ?? PROJECTION_NAMES)].sort() as ProjectionName[];
  const withClaims = projections.includes('claim_view');
  const withSources = projections.includes('source_view');
  const withWork = projections.includes('work_view');
  const tables = projections.flatMap((name) => [...PROJECTIONS[name].tables]);
  const key = targetKey(projections);
  const batchSize = options.batchSize ?? 2_000;
  const params = options.params ?? CURRENT_ASSESSMENT_MODEL;
  const progress = options.onProgress ?? (() => undefined);

  const { state, resumed } = await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`claim-ledger:rebuild:${key}`]);
    const { rows } = await client.query<{ cut_transaction_id: string; cut_global_position: string; cursor_stream_id: string | null; events_done: string; phase: string; model_version: string | null }>(
      `SELECT cut_transaction_id::text AS cut_transaction_id, cut_global_position, cursor_stream_id, events_done, phase, model_version
         FROM projection_rebuilds WHERE target = $1 AND status = 'running'`,
      [key],
    );
    // A rebuild interrupted under another model starts over: one table never holds two models' rows.
    const sameModel = (rows[0]?.model_version ?? null) === (withClaims ? params.modelVersion : null);
    if (rows[0] && sameModel && (await shadowTablesExist(client, tables))) {
      const row = rows[0];
      return {
        resumed: true,
        state: { cut: { transactionId: row.cut_transaction_id, globalPosition: Number(row.cut_global_position) }, cursor: row.cursor_stream_id, eventsDone: Number(row.events_done), phase: row.phase },
      };
    }
    await createShadowTables(client, tables);
    const cut = await readableHead(client);
    await client.query(
      `INSERT INTO projection_rebuilds (target, status, phase, cut_transaction_id, cut_global_position, cursor_stream_id, events_done, started_at, updated_at, finished_at, report, model_version)
       VALUES ($1, 'running', 'replay', $2::text::xid8, $3, NULL, 0, now(), now(), NULL, NULL, $4)
       ON CONFLICT (target) DO UPDATE SET status = 'running', phase = 'replay', cut_transaction_id = EXCLUDED.cut_transaction_id,
         cut_global_position = EXCLUDED.cut_global_position, cursor_stream_id = NULL, events_done = 0, started_at = now(), updated_at = now(),
         finished_at = NULL, report = NULL, model_version = EXCLUDED.model_version`,
      [key, cut.transactionId, cut.globalPosition, withClaims ? params.modelVersion : null],
    );
    return { resumed: false, state: { cut, cursor: null, eventsDone: 0, phase: 'replay' } as RebuildState };
  });

  const total = await countLogEvents(pool, { prefixes: [STREAM_PREFIXES.source, ...(withClaims ? [STREAM_PREFIXES.claim] : [])], upTo: state.cut });
  options.onStart?.({ total, resumed, cut: state.cut });
  if (resumed) progress(state.eventsDone);

  const phases = { sources: 0, replay: 0, indexes: 0, catchUp: 0, swap: 0 };
  let phaseStarted = Date.now();
  const phaseDone = (phase: keyof typeof phases) => {
    const now = Date.now();
    phases[phase] += (now - phaseStarted) / 1000;
    phaseStarted = now;
  };
  let events = state.eventsDone;
  const sources = await foldSources(pool, state.cut, batchSize, (n) => {
    events += n;
    progress(n);
  });

  phaseDone('sources');
  let claims = 0;
  if (withClaims) {
    const compression = options.toastCompression ?? ((await supportsLz4(pool)) ? 'lz4' : 'server-default');
    const replayed = await replayClaims(pool, state, {
      batchSize,
      params,
      sources,
      key,
      compression,
      stopAfterBatches: options.stopAfterBatches,
      onEvents: progress,
    });
    claims = replayed.claims;
    events += replayed.events;
  }
  phaseDone('replay');
  // Built once over the loaded rows rather than maintained row by row; catch-up upserts need the keys.
  await addShadowIndexes(pool, tables);
  phaseDone('indexes');
  if (withWork) {
    // After the keys exist (the replay upserts); rows a previous, interrupted run left are replayed again.
    await pool.query(`TRUNCATE ${shadowOf('work_view')}, ${shadowOf('work_comments')}`);
    events += (await replayWorkStreams(pool, WORK_TABLES, state.cut, batchSize)).events;
  }

  // Catch up without the lock while much is left, then take it for the last stretch and the swap.
  let cut = state.cut;
  let caughtUp = 0;
  for (let round = 0; round < 5; round++) {
    const head = await readableHead(pool);
    if (compareLogPositions(head, cut) <= 0) break;
    const applied = await catchUp(pool, cut, head, { sources, withClaims, params });
    caughtUp += applied;
    cut = head;
    if (applied < 1000) break;
  }

  const { drift, finalCut, model } = await retryOnDeadlock(() => inTransaction(pool, async (client) => {
    // In a lock cycle with writers, the rebuild is the side that gives way: it stops waiting long before
    // PostgreSQL's deadlock check (deadlock_timeout, 1 s) would abort a writer's command, and tries again.
    await client.query(`SET LOCAL lock_timeout = '${FINAL_STEP_LOCK_TIMEOUT_MS}ms'`);
    await holdOffAppends(client);
    // Every transaction that appended holds its ROW EXCLUSIVE lock on events until it ends: none is in
    // flight now, so every event is committed and visible without the readers' watermark. A re-grade's
    // re-assessment batch appends nothing; one in flight writes the live table, which the swap replaces
    // with rows computed from the final source snapshots (its event committed before its batches began).
    const tail = await catchUp(client, cut, undefined, { sources, withClaims, params });
    caughtUp += tail.applied;
    phaseDone('catchUp');
    if (withSources) {
      await client.query(`TRUNCATE ${shadowOf('source_view')}`);
      const views = [...sources.views()];
      for (let index = 0; index < views.length; index += 1000) await writeSourceRows(client, shadowOf('source_view'), views.slice(index, index + 1000));
    }
    // Work writers append too, so every work event is committed by now.
    if (withWork) caughtUp += await catchUpWorkStreams(client, WORK_TABLES, state.cut);
    const drift: TableDrift[] = [];
    for (const name of projections) {
      for (const table of PROJECTIONS[name].tables) {
        drift.push(await compareTables(client, table, table, shadowOf(table), (PROJECTIONS[name].key as Record<string, string>)[table]));
      }
    }
    const model = withClaims ? await announceModelUpgrade(client, params.modelVersion) : undefined;
    for (const table of tables) await swapInShadow(client, table);
    await client.query(`UPDATE projection_rebuilds SET status = 'done', phase = 'swapped', finished_at = now(), updated_at = now(), report = $2 WHERE target = $1`, [
      key,
      JSON.stringify({ drift, ...(model ? { model } : {}) }),
    ]);
    return { drift, finalCut: tail.head ?? cut, model };
  }));
  if (!options.keepPrevious) await dropTables(pool, tables.map(previousOf));
  phaseDone('swap');

  return {
    projections,
    resumed,
    cut: formatLogPosition(finalCut),
    swappedAt: new Date().toISOString(),
    events: events + caughtUp,
    claims,
    sources: sources.size,
    caughtUp,
    drift,
    ...(model ? { model } : {}),
    seconds: (Date.now() - started) / 1000,
    phases,
  };
};

/** How long the final step waits for any one lock before it gives way to the writers and starts again. */
const FINAL_STEP_LOCK_TIMEOUT_MS = 200;

/**
 * The final catch-up holds appends off, then swaps the tables: a writer already holding a live table and
 * waiting on a source's lock whose holder waits to append closes a cycle with it. The rebuild's short
 * `lock_timeout` (55P03) makes it the side that gives way; should PostgreSQL's deadlock check still pick it
 * (40P01), it tries again too.
 */
const retryOnDeadlock = async <T>(work: () => Promise<T>, attempts = 20): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '55P03')) throw error;
    }
  }
};

const supportsLz4 = async (db: Queryable): Promise<boolean> => {
  const { rows } = await db.query<{ lz4: boolean }>(`SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
  return rows[0]?.lz4 === true;
};

/** Bulk-load writes in flight at once: PostgreSQL parses and compresses one batch while it stores another. */
const WRITES_IN_FLIGHT = 2;

/**
 * Replays claim streams in (stream, version) order up to the cut, one claim at a time, writing rows per batch.
 *
 * Reading, folding and writing overlap: the next batch is being read and up to {@link WRITES_IN_FLIGHT}
 * earlier ones written while this one is folded, so memory stays a few batches whatever the log's size.
 * Batches may commit out of order, so the resume cursor moves only once every batch up to it has
 * committed, and a resumed replay first deletes whatever was written past the cursor.
 */
const replayClaims = async (
  pool: Pool,
  state: RebuildState,
  context: {
    batchSize: number;
    params: AssessmentParams;
    sources: SourceFolds;
    key: string;
    compression: 'lz4' | 'server-default';
    stopAfterBatches?: number;
    onEvents: (n: number) => void;
  },
): Promise<{ claims: number; events: number }> => {
  const { batchSize, params, sources, cut } = { ...context, cut: state.cut };
  if (state.phase === 'replay') {
    // Rows of batches that committed after the last cursor move; they are written again below. The
    // expression compares like the stream ids the cursor is made of.
    await pool.query(`DELETE FROM ${shadowOf('claim_view')} WHERE $2 || claim_id > $1`, [state.cursor ?? '', STREAM_PREFIXES.claim]);
    await pool.query(`DELETE FROM ${shadowOf('claim_sources')} WHERE $2 || claim_id > $1`, [state.cursor ?? '', STREAM_PREFIXES.claim]);
  }
  const read = (after: readonly [string, number]) => readClaimBatch(pool, after, cut, batchSize);
  const writeRows = (done: ClaimView[]) =>
    inTransaction(pool, async (client) => {
      if (context.compression === 'lz4') await client.query(`SET LOCAL default_toast_compression = lz4`);
      await writeClaimRows(client, shadowOf('claim_view'), done, 'append');
      await writeClaimLinks(client, shadowOf('claim_sources'), done, 'append');
    });
  const moveCursor = async (lastDone: string | undefined, events: number, finished: boolean) => {
    await pool.query(
      `UPDATE projection_rebuilds SET cursor_stream_id = coalesce($2, cursor_stream_id), events_done = events_done + $3, phase = $4, updated_at = now() WHERE target = $1`,
      [context.key, lastDone ?? null, events, finished ? 'catch-up' : 'replay'],
    );
  };

  let current: ClaimFold | undefined;
  let claims = 0;
  let events = 0;
  let batches = 0;
  let reading: Promise<ReplayEvent[]> | undefined = read([state.cursor ?? '', MAX_VERSION]);
  // One promise per batch in flight: its rows committed and the cursor moved past it (in batch order).
  const inFlight: Array<Promise<void>> = [];
  let cursorMoved: Promise<void> = Promise.resolve();
  try {
    while (reading) {
      const rows: ReplayEvent[] = await reading;
      const finished: boolean = rows.length < batchSize;
      const last: ReplayEvent | undefined = rows.at(-1);
      reading = finished || !last ? undefined : read([last.streamId, last.streamVersion]);

      const done: ClaimView[] = [];
      let lastDone: string | undefined;
      const finish = (fold: ClaimFold) => {
        const view = fold.view(sources, params);
        if (view) done.push(view);
        lastDone = claimStreamId(fold.claimId);
      };
      for (const event of rows) {
        if (!current || current.streamId !== event.streamId) {
          if (current) finish(current);
          current = new ClaimFold(event.streamId.slice(STREAM_PREFIXES.claim.length));
        }
        current.apply(event);
      }
      if (finished && current) finish(current);
      events += rows.length;
      claims += done.length;
      batches += 1;
      if (done.length > 0 || finished) {
        while (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
        const written = writeRows(done);
        const previous = cursorMoved;
        const batchEvents = rows.length;
        const batchLast = lastDone;
        cursorMoved = Promise.all([written, previous]).then(() => moveCursor(batchLast, batchEvents, finished));
        inFlight.push(cursorMoved);
      }
      context.onEvents(rows.length);
      if (!finished && context.stopAfterBatches !== undefined && batches >= context.stopAfterBatches) {
        await Promise.all(inFlight);
        throw new RebuildInterrupted();
      }
    }
    await Promise.all(inFlight);
    return { claims, events };
  } finally {
    // On a failure, let what is in flight settle before the caller moves on (or the pool closes).
    await Promise.allSettled([reading, ...inFlight]);
  }
};

/**
 * Applies the events after `from` (up to `to`, or every committed one when undefined): source events move
 * the catalogue, and every claim they touch (its own events, or a source it names) is recomputed from its
 * stream. Returns how many events it applied.
 */
async function catchUp(
  db: Queryable,
  from: LogPosition,
  to: LogPosition,
  context: { sources: SourceFolds; withClaims: boolean; params: AssessmentParams },
): Promise<number>;
async function catchUp(
  db: Queryable,
  from: LogPosition,
  to: undefined,
  context: { sources: SourceFolds; withClaims: boolean; params: AssessmentParams },
): Promise<{ applied: number; head?: LogPosition }>;
async function catchUp(
  db: Queryable,
  from: LogPosition,
  to: LogPosition | undefined,
  context: { sources: SourceFolds; withClaims: boolean; params: AssessmentParams },
): Promise<number | { applied: number; head?: LogPosition }> {
  // Without `to` the caller holds the catalogue lock every claim and source writer takes: nothing of theirs
  // is in flight, so reading past the watermark skips nothing.
  const rows = await readLogByPrefix(db, { prefixes: [STREAM_PREFIXES.source, STREAM_PREFIXES.claim], after: from, ...(to ? { upTo: to } : {}) });
  const touchedClaims = new Set<string>();
  const touchedSources = new Set<string>();
  for (const event of rows) {
    const stream = parseStreamId(event.streamId);
    if (stream?.kind === 'source') {
      context.sources.apply(stream.id, event);
      touchedSources.add(stream.id);
    } else if (stream?.kind === 'claim') touchedClaims.add(stream.id);
  }
  if (context.withClaims && (touchedClaims.size > 0 || touchedSources.size > 0)) {
    if (touchedSources.size > 0) {
      const linked = await db.query<{ claim_id: string }>(`SELECT DISTINCT claim_id FROM ${shadowOf('claim_sources')} WHERE source_id = ANY($1::text[])`, [[...touchedSources]]);
      for (const row of linked.rows) touchedClaims.add(row.claim_id);
    }
    const views: ClaimView[] = [];
    for (const claimId of [...touchedClaims].sort()) {
      const fold = new ClaimFold(claimId);
      for (const event of await readStreamForReplay(db, claimStreamId(claimId))) {
        if (to && compareLogPositions(event.position, to) > 0) break;
        fold.apply(event);
      }
      const view = fold.view(context.sources, context.params);
      if (view) views.push(view);
    }
    for (let index = 0; index < views.length; index += 500) {
      await writeClaimRows(db, shadowOf('claim_view'), views.slice(index, index + 500));
      await writeClaimLinks(db, shadowOf('claim_sources'), views.slice(index, index + 500));
    }
  }
  if (to) return rows.length;
  const last = rows.at(-1);
  return { applied: rows.length, ...(last ? { head: last.position } : {}) };
}

/** Drops the shadow tables and forgets an unfinished rebuild. */
export const abandonRebuild = async (pool: Pool, projections: readonly ProjectionName[] = PROJECTION_NAMES): Promise<void> => {
  const sorted = [...new Set(projections)].sort() as ProjectionName[];
  await inTransaction(pool, async (client: PoolClient) => {
    await dropTables(client, sorted.flatMap((name) => PROJECTIONS[name].tables.map(shadowOf)));
    await client.query(`DELETE FROM projection_rebuilds WHERE target = $1 AND status = 'running'`, [targetKey(sorted)]);
  });
};
