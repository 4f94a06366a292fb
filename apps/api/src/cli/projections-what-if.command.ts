import { createProgress, type Progress } from '@claims/platform';
import { WHAT_IF_FIELDS, whatIfModel, type WhatIfReport } from '@claims/projections';
import type { CliCommand } from './cli-command';
import { CliUsageError, parseCliArgs } from './cli-options';
import { CURRENT_MODEL_NAME, modelOption } from './model-option';

const USAGE = 'npm run cli -- projections what-if [--model <name>] [--batch-size 2000] [--json]';

const STATEMENT_WIDTH = 100;

const byModel = (rows: Record<string, number>): string =>
  Object.entries(rows)
    .map(([model, count]) => `${model} ${count.toLocaleString('en-US')}`)
    .join(', ') || 'none';

/** The report as lines: a summary, transition counts per field, then every changed claim. */
export const describeWhatIf = (report: WhatIfReport): string[] => {
  const lines = [
    `what-if ${report.modelVersion}: ${report.claims.toLocaleString('en-US')} claims replayed (${report.events.toLocaleString('en-US')} events, up to ${report.position ?? 'the start'}) against the live rows (${byModel(report.liveRowsByModel)}): ${report.changed.toLocaleString('en-US')} would change; nothing was written`,
  ];
  for (const field of WHAT_IF_FIELDS) {
    const transitions = Object.entries(report.transitions[field]).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    if (transitions.length === 0) continue;
    lines.push(`${field}:`);
    for (const [transition, count] of transitions) lines.push(`  ${transition}: ${count}`);
  }
  if (report.changes.length > 0) lines.push('claims:');
  for (const change of report.changes) {
    const statement = change.statement.length > STATEMENT_WIDTH ? `${change.statement.slice(0, STATEMENT_WIDTH - 1)}…` : change.statement;
    lines.push(`  ${change.claimId}  ${statement}`);
    lines.push(`    ${change.changed.map((field) => `${field} ${change.before === null ? '(no live row)' : String(change.before[field])} -> ${String(change.after[field])}`).join('; ')}`);
  }
  return lines;
};

export const projectionsWhatIfCommand: CliCommand = {
  path: ['projections', 'what-if'],
  summary: `replay the log with another assessment model (default ${CURRENT_MODEL_NAME}) and list the claims whose status, rating or band would change; writes nothing`,
  usage: USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, USAGE, { model: { type: 'string' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } });
    const model = modelOption(values.model, USAGE);
    const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw new CliUsageError(`--batch-size must be a positive integer\nusage: ${USAGE}`);
    const database = await context.database();
    let progress: Progress | undefined;
    const report = await whatIfModel(database.pool, {
      params: model.params,
      ...(batchSize ? { batchSize } : {}),
      onStart: ({ total }) => {
        progress = createProgress({ label: `what-if ${model.name}`, total });
      },
      onProgress: (n) => progress?.add(n),
    });
    progress?.done();
    if (values.json) context.print(JSON.stringify(report));
    else for (const line of describeWhatIf(report)) context.print(line);
  },
};
