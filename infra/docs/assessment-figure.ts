// `npm run docs:assessment`: draws docs/assessment-status.svg, the computed status over supporting (R)
// against disputing (S) evidence under each model, by calling the domain's own `statusOf` over a grid.
// A unit test regenerates it in memory and compares, so the picture cannot drift from the model.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClaimStatus } from '@claims/contracts';
import { ASSESSMENT_MODELS, degreeOfConflict, opinionOf, statusOf, type AssessmentParams } from '@claims/domain';

export const FIGURE_FILE = path.join(__dirname, '..', '..', 'docs', 'assessment-status.svg');

const R_MAX = 6;
const S_MAX = 4;
const STEP = 0.05;
const CELL = 3;
const PLOT_WIDTH = (R_MAX / STEP) * CELL;
const PLOT_HEIGHT = (S_MAX / STEP) * CELL;
const MARGIN = { left: 60, top: 56, gap: 70 };
const COLOURS: Record<Exclude<ClaimStatus, 'retracted'>, string> = {
  corroborated: '#7fc97f',
  unverified: '#d9d9d9',
  contested: '#fdc35f',
  disputed: '#e8736c',
};

/**
 * The status at (R, S) when every cluster is a direct, non-self-interested report of weight 1 (C grade) and
 * any remainder is weak evidence: ⌊R⌋ corroborating clusters, ⌊S⌋ credible disputing clusters.
 */
export const statusAt = (support: number, dispute: number, params: AssessmentParams): ClaimStatus =>
  statusOf(
    {
      hasActiveSupport: true,
      support,
      dispute,
      conflict: Math.round(degreeOfConflict(support, dispute, params) * 1e6) / 1e6,
      confidence: opinionOf(support, dispute, params).confidence,
      independentCorroborations: Math.floor(support / params.corroboratingClusterMinWeight),
      credibleDisputes: Math.floor(dispute / params.disputedMinEvidence),
    },
    params,
  ).status;

const text = (x: number, y: number, content: string, attributes = ''): string =>
  `<text x="${x}" y="${y}"${attributes ? ` ${attributes}` : ''}>${content}</text>`;

/** One panel: the grid as runs of equal status per row, axes, ticks and the two dominance lines. */
const panel = (left: number, title: string, params: AssessmentParams): string[] => {
  const top = MARGIN.top;
  const parts = [`<g>`, text(left + PLOT_WIDTH / 2, top - 12, title, 'text-anchor="middle" font-weight="bold"')];
  const columns = Math.round(R_MAX / STEP);
  for (let row = 0; row < Math.round(S_MAX / STEP); row += 1) {
    const dispute = (row + 0.5) * STEP;
    const y = top + PLOT_HEIGHT - (row + 1) * CELL;
    let start = 0;
    for (let column = 1; column <= columns; column += 1) {
      const status = statusAt((start + 0.5) * STEP, dispute, params) as keyof typeof COLOURS;
      if (column < columns && statusAt((column + 0.5) * STEP, dispute, params) === status) continue;
      parts.push(`<rect x="${left + start * CELL}" y="${y}" width="${(column - start) * CELL}" height="${CELL}" fill="${COLOURS[status]}"/>`);
      start = column;
    }
  }
  const ratio = params.dominanceRatio;
  const x = (support: number) => left + (support / R_MAX) * PLOT_WIDTH;
  const y = (dispute: number) => top + PLOT_HEIGHT - (dispute / S_MAX) * PLOT_HEIGHT;
  parts.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(S_MAX / ratio)}" y2="${y(S_MAX)}" stroke="#555" stroke-dasharray="4 3"/>`,
    text(x(S_MAX / ratio) + 4, y(S_MAX) + 12, `S = ${ratio}R`, 'font-size="11" fill="#333"'),
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(R_MAX)}" y2="${y(R_MAX / ratio)}" stroke="#555" stroke-dasharray="4 3"/>`,
    text(x(R_MAX) - 4, y(R_MAX / ratio) - 6, `R = ${ratio}S`, 'font-size="11" fill="#333" text-anchor="end"'),
    `<rect x="${left}" y="${top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="#333"/>`,
  );
  for (let tick = 0; tick <= R_MAX; tick += 1) {
    parts.push(`<line x1="${x(tick)}" y1="${y(0)}" x2="${x(tick)}" y2="${y(0) + 5}" stroke="#333"/>`);
    parts.push(text(x(tick), y(0) + 18, String(tick), 'text-anchor="middle" font-size="12"'));
  }
  for (let tick = 0; tick <= S_MAX; tick += 1) {
    parts.push(`<line x1="${left - 5}" y1="${y(tick)}" x2="${left}" y2="${y(tick)}" stroke="#333"/>`);
    parts.push(text(left - 9, y(tick) + 4, String(tick), 'text-anchor="end" font-size="12"'));
  }
  parts.push(
    text(left + PLOT_WIDTH / 2, y(0) + 36, 'R: supporting evidence', 'text-anchor="middle" font-size="13"'),
    text(left - 38, top + PLOT_HEIGHT / 2, 'S: disputing evidence', `text-anchor="middle" font-size="13" transform="rotate(-90 ${left - 38} ${top + PLOT_HEIGHT / 2})"`),
    '</g>',
  );
  return parts;
};

/** The figure as SVG text: deterministic, so the committed file can be compared byte for byte. */
export const assessmentStatusFigure = (): string => {
  const width = MARGIN.left * 2 + PLOT_WIDTH * 2 + MARGIN.gap;
  const legendTop = MARGIN.top + PLOT_HEIGHT + 58;
  const height = legendTop + 78;
  const legend = (Object.keys(COLOURS) as Array<keyof typeof COLOURS>).flatMap((status, index) => {
    const x = MARGIN.left + index * 150;
    return [`<rect x="${x}" y="${legendTop}" width="16" height="16" fill="${COLOURS[status]}" stroke="#333"/>`, text(x + 22, legendTop + 13, status)];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="14">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(width / 2, 22, 'Computed status by supporting (R) and disputing (S) evidence', 'text-anchor="middle" font-size="16" font-weight="bold"'),
    ...panel(MARGIN.left, `v1 (${ASSESSMENT_MODELS.v1.modelVersion})`, ASSESSMENT_MODELS.v1),
    ...panel(MARGIN.left * 2 + PLOT_WIDTH + MARGIN.gap - MARGIN.left, `v2 (${ASSESSMENT_MODELS.v2.modelVersion}, current)`, ASSESSMENT_MODELS.v2),
    ...legend,
    text(MARGIN.left, legendTop + 40, 'Assumes every cluster is a direct, non-self-interested C-grade report (weight 1), remainders weak evidence:', 'font-size="12"'),
    text(MARGIN.left, legendTop + 56, '⌊R⌋ independent corroborating clusters, ⌊S⌋ credible independent disputes; some report still supports (R &gt; 0).', 'font-size="12"'),
    text(MARGIN.left, legendTop + 72, 'Generated by infra/docs/assessment-figure.ts (npm run docs:assessment) from statusOf in libs/domain.', 'font-size="12" fill="#555"'),
    '</svg>',
    '',
  ].join('\n');
};

if (require.main === module) {
  writeFileSync(FIGURE_FILE, assessmentStatusFigure());
  console.log(`wrote ${path.relative(process.cwd(), FIGURE_FILE)}`);
}
