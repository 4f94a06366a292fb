import { describeTransaction, formatLogPosition, HELD_BACK_WARNING_MS, listSubscriptionCheckpoints, oldestRunningTransaction } from '@claims/event-store';
import { CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { createProgress, type Progress } from '@claims/platform';
import {
  inlineProjectionStatus,
  PROJECTION_NAMES,
  rebuildProjections,
  RebuildInterrupted,
  type InlineProjectionStatus,
  type ProjectionName,
  type RebuildReport,
} from '@claims/projections';
import type { CliCommand } from './cli-command';
import { CliUsageError, parseCliArgs, withOwnerPool } from './cli-options';
import { modelOption } from './model-option';
import { projectionsWhatIfCommand } from './projections-what-if.command';

const STATUS_USAGE = 'npm run cli -- projections status';
const REBUILD_USAGE = `npm run cli -- projections rebuild [${PROJECTION_NAMES.join('|')}] [--model <name>] [--batch-size 2000] [--keep-previous] [--json]`;

interface ProjectionStatus {
  name: string;
  kind: 'inline' | 'subscription';
  rows?: number;
  /** The last event applied: `<transactionId>-<globalPosition>`. */
  checkpoint: string | null;
  /** Events of the streams it follows that are in the log after its checkpoint. */
  lag: number;
  detail?: string;
}

const toStatus = (projection: InlineProjectionStatus): ProjectionStatus => ({
  name: projection.name,
  kind: 'inline',
  rows: projection.rows,
  checkpoint: projection.checkpoint ? formatLogPosition(projection.checkpoint) : null,
  lag: projection.lag,
});

export const projectionsStatusCommand: CliCommand = {
  path: ['projections', 'status'],
  summary: "each projection's checkpoint and lag, and the last rebuilds",
  usage: STATUS_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, STATUS_USAGE, { json: { type: 'boolean' } });
    const database = await context.database();
    const pool = database.pool;
    const statuses: ProjectionStatus[] = [];
    for (const name of PROJECTION_NAMES) statuses.push(toStatus(await inlineProjectionStatus(pool, name)));
    for (const subscription of await listSubscriptionCheckpoints(pool)) {
      statuses.push({
        name: subscription.name,
        kind: 'subscription',
        checkpoint: formatLogPosition(subscription.position),
        lag: subscription.lag,
        ...(subscription.lastError ? { detail: `failing (${subscription.failedAttempts} attempts): ${subscription.lastError}` } : {}),
      });
    }
    const { rows: rebuilds } = await pool.query<{ target: string; status: string; phase: string; events_done: string; started_at: Date; finished_at: Date | null }>(
      'SELECT target, status, phase, events_done, started_at, finished_at FROM projection_rebuilds ORDER BY target',
    );
    // Subscriptions (and the feed) stop at the oldest transaction still running: name it, so a stuck one is found.
    const oldestTransaction = (await oldestRunningTransaction(pool)) ?? null;
    // Rows left by another model than the current one wait for `projections rebuild` to switch them.
    const { rows: models } = await pool.query<{ model_version: string; rows: number }>(
      'SELECT model_version, count(*)::int AS rows FROM claim_view GROUP BY model_version ORDER BY model_version',
    );
    const claimViewModels = Object.fromEntries(models.map((row) => [row.model_version, row.rows]));
    if (values.json) {
      context.print(JSON.stringify({ projections: statuses, rebuilds, oldestRunningTransaction: oldestTransaction, claimViewModels, currentModel: CURRENT_ASSESSMENT_MODEL.modelVersion }));
      return;
    }
    context.print(`${'projection'.padEnd(28)} ${'kind'.padEnd(13)} ${'rows'.padStart(10)} ${'checkpoint'.padEnd(22)} ${'lag'.padStart(8)}`);
    for (const status of statuses) {
      context.print(
        `${status.name.padEnd(28)} ${status.kind.padEnd(13)} ${(status.rows?.toLocaleString('en-US') ?? '-').padStart(10)} ${(status.checkpoint ?? '(empty)').padEnd(22)} ${status.lag.toLocaleString('en-US').padStart(8)}${status.detail ? `  ${status.detail}` : ''}`,
      );
    }
    const stale = models.filter((row) => row.model_version !== CURRENT_ASSESSMENT_MODEL.modelVersion);
    if (models.length > 0) {
      context.print(
        `claim_view rows by model: ${models.map((row) => `${row.model_version} ${row.rows.toLocaleString('en-US')}`).join(', ')}; current ${CURRENT_ASSESSMENT_MODEL.modelVersion}${stale.length > 0 ? ' (run `projections what-if`, then `projections rebuild`, to switch)' : ''}`,
      );
    }
    if (oldestTransaction && (oldestTransaction.ageSeconds ?? 0) >= HELD_BACK_WARNING_MS / 1000) {
      context.print(`log readers wait for ${describeTransaction(oldestTransaction)}: events after it are not readable until it ends`);
    }
    for (const rebuild of rebuilds) {
      context.print(
        `rebuild ${rebuild.target}: ${rebuild.status} (${rebuild.phase}), ${Number(rebuild.events_done).toLocaleString('en-US')} claim events replayed, started ${rebuild.started_at.toISOString()}${rebuild.finished_at ? `, finished ${rebuild.finished_at.toISOString()}` : ' (run `projections rebuild` to resume)'}`,
      );
    }
  },
};

export const describeRebuild = (report: RebuildReport): string[] => {
  const lines = [
    `rebuilt ${report.projections.join(', ')}${report.resumed ? ' (resumed)' : ''}: ${report.events.toLocaleString('en-US')} events, ${report.claims.toLocaleString('en-US')} claims, ${report.sources.toLocaleString('en-US')} sources in ${report.seconds.toFixed(1)} s; caught up ${report.caughtUp} events written meanwhile; swapped in at ${report.cut}`,
  ];
  const model = report.model;
  const switched = model !== undefined && Object.keys(model.liveRowsByModel).some((version) => version !== model.modelVersion);
  if (model && switched) {
    lines.push(
      `model: switched to ${model.modelVersion} (live rows were ${Object.entries(model.liveRowsByModel).map(([version, rows]) => `${version} ${rows.toLocaleString('en-US')}`).join(', ')}); ${model.headlineChanges.toLocaleString('en-US')} claims changed status, rating or band: ${model.messages.toLocaleString('en-US')} status changes written to the feed (cause AssessmentModelUpgraded)`,
    );
  } else if (model) lines.push(`model: ${model.modelVersion}`);
  const drifted = report.drift.filter((table) => table.differing > 0 || table.liveRows !== table.rebuiltRows);
  if (drifted.length === 0) lines.push(`drift: none (${report.drift.map((table) => `${table.table} ${table.rebuiltRows.toLocaleString('en-US')} rows identical`).join(', ')})`);
  for (const table of drifted) {
    if (table.liveRows === 0) {
      lines.push(`${table.table}: ${table.rebuiltRows.toLocaleString('en-US')} rows built (the live table was empty)`);
      continue;
    }
    lines.push(
      `${switched && table.table === 'claim_view' ? 'rows re-assessed' : 'drift'} in ${table.table}: ${table.differing} rows differ (live ${table.liveRows}, rebuilt ${table.rebuiltRows}); the rebuilt rows are now live`,
    );
    // After a model switch every re-assessed row differs in its assessment: listing them says nothing more.
    if (switched && table.table === 'claim_view') continue;
    for (const sample of table.samples) lines.push(`  ${sample.key}: ${sample.columns.join(', ')}`);
  }
  return lines;
};

export const projectionsRebuildCommand: CliCommand = {
  path: ['projections', 'rebuild'],
  summary: 'replay the log into fresh tables (with the current assessment model, or --model), swap them in atomically, report drift (resumable)',
  usage: REBUILD_USAGE,
  run: async (args, context) => {
    const { values, positionals } = parseCliArgs(args, REBUILD_USAGE, { model: { type: 'string' }, 'batch-size': { type: 'string' }, 'keep-previous': { type: 'boolean' }, json: { type: 'boolean' } }, true);
    const model = modelOption(values.model, REBUILD_USAGE);
    const names = positionals as ProjectionName[];
    const unknown = names.filter((name) => !PROJECTION_NAMES.includes(name));
    if (unknown.length > 0 || names.length > 1) throw new CliUsageError(`unknown projection ${unknown.join(', ') || names.join(', ')}; one of ${PROJECTION_NAMES.join(', ')}\nusage: ${REBUILD_USAGE}`);
    const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw new CliUsageError(`--batch-size must be a positive integer\nusage: ${REBUILD_USAGE}`);
    let progress: Progress | undefined;
    try {
      const report = await withOwnerPool(context, (pool) =>
        rebuildProjections(pool, {
          ...(names.length ? { projections: names } : {}),
          ...(batchSize ? { batchSize } : {}),
          params: model.params,
          keepPrevious: values['keep-previous'] ?? false,
          onStart: ({ total, resumed }) => {
            progress = createProgress({ label: resumed ? 'rebuild (resumed)' : 'rebuild', total });
          },
          onProgress: (n) => progress?.add(n),
        }),
      );
      progress?.done();
      if (values.json) context.print(JSON.stringify(report));
      else for (const line of describeRebuild(report)) context.print(line);
    } catch (error) {
      if (error instanceof RebuildInterrupted) throw new CliUsageError(error.message, 1);
      throw error;
    }
  },
};

export const projectionsCommands: CliCommand[] = [projectionsStatusCommand, projectionsRebuildCommand, projectionsWhatIfCommand];
