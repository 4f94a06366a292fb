import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';
import { bandLabel, percent, when, words } from './format';
import type { HistoryEntry } from './types';

/** What a history entry is, for its marker on the timeline. */
export const MARKS = [
  { kind: 'report', label: 'report', colour: '#2563eb', events: ['ClaimAsserted', 'ClaimCorroborated'] },
  { kind: 'dispute', label: 'dispute', colour: '#c2410c', events: ['ClaimDisputed'] },
  { kind: 'retraction', label: 'retraction', colour: '#6b7280', events: ['ClaimReportRetracted'] },
  { kind: 'regrade', label: 're-grade', colour: '#7c3aed', events: ['SourceReliabilityRegraded', 'SourceDetailsChanged'] },
  { kind: 'verdict', label: 'verdict', colour: '#047857', events: ['ClaimVerdictIssued', 'ClaimVerdictWithdrawn'] },
  { kind: 'other', label: 'other change', colour: '#0f172a', events: [] as string[] },
] as const;

export const markOf = (eventType: string) => MARKS.find((mark) => (mark.events as readonly string[]).includes(eventType)) ?? MARKS[MARKS.length - 1];

export type Clock = 'recorded' | 'reported';

const instantOf = (entry: HistoryEntry, clock: Clock): string => (clock === 'reported' && entry.reportedAt ? entry.reportedAt : entry.recordedAt);

/**
 * Confidence over time, one point per history entry, marked by what it was (report, dispute, retraction,
 * re-grade, verdict). Clicking a point, or its row in the list under the chart (the keyboard way), picks
 * that entry.
 */
export const confidenceTimeline = (entries: HistoryEntry[], clock: Clock, onPick: (entry: HistoryEntry) => void, width: number): HTMLElement => {
  const sorted = entries
    .map((entry) => ({ entry, at: Date.parse(instantOf(entry, clock)) / 1000 }))
    .sort((a, b) => a.at - b.at);
  const xs = sorted.map((point) => point.at);
  const confidence = sorted.map((point) => point.entry.assessment.confidence);
  // One point series per kind of entry the history holds (a legend entry for an absent kind would only confuse).
  const present = MARKS.filter((mark) => sorted.some((point) => markOf(point.entry.eventType).kind === mark.kind));
  const markSeries = present.map((mark) => sorted.map((point) => (markOf(point.entry.eventType).kind === mark.kind ? point.entry.assessment.confidence : null)));

  const chart = h('div', { class: 'timeline-chart', 'data-testid': 'timeline-chart' });
  const plot = new uPlot(
    {
      width,
      height: 240,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: [
        { stroke: '#475569', grid: { stroke: '#e2e8f0' } },
        { stroke: '#475569', grid: { stroke: '#e2e8f0' }, values: (_u, ticks) => ticks.map((tick) => percent(tick)), size: 50 },
      ],
      cursor: { points: { size: 10 }, drag: { x: false, y: false } },
      legend: { show: true, live: false },
      series: [
        { label: clock === 'reported' ? 'reported' : 'recorded', value: (_u, value) => (value === null ? '—' : when(new Date(value * 1000).toISOString())) },
        // Stepped: the confidence holds from one entry until the next changes it.
        { label: 'confidence', stroke: '#334155', width: 2, paths: uPlot.paths.stepped!({ align: 1 }), value: (_u, value) => (value === null ? '—' : percent(value)), points: { show: false } },
        ...present.map((mark) => ({
          label: mark.label,
          stroke: mark.colour,
          fill: mark.colour,
          width: 0,
          paths: () => null,
          points: { show: true, size: 11, stroke: mark.colour, fill: mark.colour },
          value: (_u: uPlot, value: number | null) => (value === null ? '—' : percent(value)),
          spanGaps: false,
        })),
      ],
    },
    [xs, confidence, ...markSeries],
    chart,
  );
  plot.over.addEventListener('click', () => {
    const index = plot.cursor.idx;
    if (index !== null && index !== undefined) onPick(sorted[index].entry);
  });

  const list = h(
    'ol',
    { class: 'timeline-list', 'aria-label': 'History entries' },
    ...sorted.map(({ entry }) => {
      const mark = markOf(entry.eventType);
      return h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'link-button', 'data-testid': 'timeline-entry', 'data-event-type': entry.eventType, onclick: () => onPick(entry) },
          h('span', { class: `mark mark-${mark.kind}`, 'aria-hidden': 'true' }),
          h('span', { class: 'entry-when' }, when(instantOf(entry, clock))),
          h('span', { class: 'entry-what' }, words(entry.eventType.replace(/([a-z])([A-Z])/g, '$1_$2')).toLowerCase()),
          h('span', { class: 'entry-confidence' }, `${percent(entry.assessment.confidence)} · ${bandLabel(entry.assessment.band)} · ${words(entry.assessment.status)}`),
          entry.actor?.name ? h('span', { class: 'entry-actor' }, entry.actor.name) : null,
        ),
      );
    }),
  );
  return h('div', { class: 'timeline' }, chart, h('details', { class: 'timeline-details' }, h('summary', {}, `All ${sorted.length} entries (pick one to see the claim as of then)`), list));
};
