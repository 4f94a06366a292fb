import { readClaimEvent, readSourceEvent } from '@claims/contracts';
import {
  CURRENT_ASSESSMENT_MODEL,
  claimDecider,
  sourceDecider,
  toSourceSnapshot,
  type AssessmentParams,
  type ClaimState,
  type OnRecordClaim,
  type SourceState,
} from '@claims/domain';
import { compareLogPositions, type LogPosition, type RecordedEvent } from '@claims/event-store';
import { claimViewOf, headlineOf, sourceIdsOf, type ClaimHeadline, type ClaimView } from '../claim-view/claim-view.projection';
import { parseStreamId } from '../streams';

/** One step of a claim's history: an event of its own stream, or a source event that re-assessed it. */
export interface ClaimHistoryStep {
  kind: 'claim_event' | 'source_event';
  streamId: string;
  streamVersion: number;
  position: LogPosition;
  eventId: string;
  type: string;
  /** When the store recorded the event (what the system knew, and when). */
  recordedAt: Date;
  /** The report's own publication time, for the events that carry a report (null for the others). */
  publishedAt: string | null;
  /** The event's time on the reporting clock ({@link reportingTimesOf}); `recordedAt` for a source event. */
  reportedAt: Date;
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
  hash: string;
  /** The claim's row as this step left it: the same `claimViewOf` the live projection runs. */
  view: ClaimView;
  /** Headline before the step (null for the assertion) and what moved. */
  previous: ClaimHeadline | null;
  changed: Array<keyof ClaimHeadline>;
}

/**
 * Where to stop replaying: after a claim version, or at an instant of the store's clock (`asOf`,
 * inclusive), and/or at an instant of the reporting clock (`asReportedOn`, inclusive: only the claim
 * events whose {@link reportingTimesOf} time is at or before it; source events by `asOf` alone).
 */
export type HistoryCut = { atVersion: number } | { asOf?: Date; asReportedOn?: Date };

/**
 * The order of the steps: `log` (the store's, by position) or `reported` (by the reporting clock, ties by
 * log position). In `reported` order the claim's events are folded in that order against the source grades
 * the log holds at the end of the replay (now, or at `asOf`): each step is the claim as reported by then,
 * as the log grades its sources, so it equals `asReportedOn` at that step's time. Source events are listed
 * at their recording time (the same entries as the log order) and move nothing there.
 */
export type HistoryOrder = 'log' | 'reported';

const HEADLINE_FIELDS: Array<keyof ClaimHeadline> = ['publishedStatus', 'computedStatus', 'credibilityRating', 'band', 'confidence', 'modelVersion'];

const byLogPosition = (a: RecordedEvent, b: RecordedEvent): number => compareLogPositions(a, b);

/** The `recordedAt` a command put in the event's payload: what the projection stores as `updatedAt`. */
const decidedAt = (event: RecordedEvent): string => {
  const at = (event.data as { recordedAt?: unknown }).recordedAt;
  return typeof at === 'string' ? new Date(at).toISOString() : event.recordedAt.toISOString();
};

const REPORT_EVENT_TYPES = new Set(['ClaimAsserted', 'ClaimCorroborated', 'ClaimDisputed']);

/** `report.publishedAt` of an event that carries a report (assertion, corroboration, dispute), else null. */
export const publishedAtOf = (event: RecordedEvent): string | null => {
  if (!REPORT_EVENT_TYPES.has(event.type)) return null;
  const at = (event.data as { report?: { publishedAt?: unknown } }).report?.publishedAt;
  return typeof at === 'string' ? at : null;
};

/**
 * Each claim event's time on the reporting clock, by event id (milliseconds). A report counts from its own
 * `publishedAt`; an event without a publication time (retraction, evidence, verdict, merge, amendment)
 * from the store's `recordedAt`. Two rules keep every cut a prefix the fold can apply: nothing counts
 * before the asserting report (the claim is on record as reported from its publication, so a report
 * published earlier but logged as a corroboration counts from then), and a retraction or a piece of
 * evidence never counts before the report it names. Pure.
 */
export const reportingTimesOf = (claimEvents: readonly RecordedEvent[]): Map<string, number> => {
  const times = new Map<string, number>();
  const reportTimes = new Map<string, number>();
  const asserted = claimEvents.find((event) => event.type === 'ClaimAsserted');
  const assertedAt = asserted ? Date.parse(publishedAtOf(asserted) ?? asserted.recordedAt.toISOString()) : Number.NEGATIVE_INFINITY;
  for (const event of claimEvents) {
    const publishedAt = publishedAtOf(event);
    const data = event.data as { report?: { reportId?: unknown }; reportId?: unknown };
    let time = Math.max(assertedAt, publishedAt === null ? event.recordedAt.getTime() : Date.parse(publishedAt));
    if (publishedAt !== null && typeof data.report?.reportId === 'string') reportTimes.set(data.report.reportId, time);
    if (publishedAt === null && typeof data.reportId === 'string') time = Math.max(time, reportTimes.get(data.reportId) ?? time);
    times.set(event.eventId, time);
  }
  return times;
};

/**
 * Replays a claim's stream together with the streams of its sources, in log order, through the code the
 * live projection uses (`evolve`, `assessClaim` via `claimViewOf`), and returns one step per claim event
 * and per source event that re-assessed the claim (the source was on the claim when it happened, exactly
 * as `reassessClaimsOfSource` does). Pure: the same events give the same steps. `asReportedOn` filters the
 * claim's events by the reporting clock before the same fold; `order: 'reported'` lists the steps on that
 * clock (see {@link HistoryOrder}).
 */
export const replayClaimHistory = (
  claimEvents: readonly RecordedEvent[],
  sourceEvents: readonly RecordedEvent[],
  cut: HistoryCut = {},
  params: AssessmentParams = CURRENT_ASSESSMENT_MODEL,
  order: HistoryOrder = 'log',
): ClaimHistoryStep[] => {
  const cutVersion = 'atVersion' in cut ? cut.atVersion : undefined;
  const cutTime = 'asOf' in cut ? cut.asOf?.getTime() : undefined;
  const reportedCut = 'asReportedOn' in cut ? cut.asReportedOn?.getTime() : undefined;
  const reportingTimes = reportingTimesOf(claimEvents);
  const reportedAt = (event: RecordedEvent): number => reportingTimes.get(event.eventId) ?? event.recordedAt.getTime();
  const claims = claimEvents
    .filter((event) => cutVersion === undefined || event.streamVersion <= cutVersion)
    .filter((event) => reportedCut === undefined || reportedAt(event) <= reportedCut);
  // At a version, the catalogue is the one the projection saw when that version was written.
  const lastClaimEvent = claims.at(-1);
  const events = [...claims, ...sourceEvents]
    .filter((event) => cutTime === undefined || event.recordedAt.getTime() <= cutTime)
    .filter((event) => cutVersion === undefined || (lastClaimEvent !== undefined && compareLogPositions(event, lastClaimEvent) <= 0))
    .sort(byLogPosition);
  const inLogOrder = foldClaimHistory(events, params, reportedAt);
  if (order === 'log') return inLogOrder;

  // The reporting clock: the same entries, the claim's events folded in reporting order against the
  // source grades the log holds at the end of the replay.
  const listed = new Set(inLogOrder.map((step) => step.eventId));
  const finalSources = new Map<string, SourceState>();
  for (const event of events) {
    const stream = parseStreamId(event.streamId);
    if (stream?.kind === 'source') finalSources.set(stream.id, sourceDecider.evolve(finalSources.get(stream.id) ?? sourceDecider.initialState(), readSourceEvent(event)));
  }
  const byReportingClock = events
    .filter((event) => parseStreamId(event.streamId)?.kind !== 'source' || listed.has(event.eventId))
    .sort((a, b) => reportedAt(a) - reportedAt(b) || byLogPosition(a, b));
  return foldClaimHistory(byReportingClock, params, reportedAt, finalSources);
};

/**
 * The fold behind every replay: applies `events` in the order given and records one step per claim event
 * and per source event that re-assessed the claim. With `fixedSources`, the catalogue is those grades
 * throughout and every source event given is listed without being applied.
 */
const foldClaimHistory = (
  events: readonly RecordedEvent[],
  params: AssessmentParams,
  reportedAt: (event: RecordedEvent) => number,
  fixedSources?: ReadonlyMap<string, SourceState>,
): ClaimHistoryStep[] => {
  const sources = new Map<string, SourceState>(fixedSources ?? []);
  let claim: ClaimState = claimDecider.initialState();
  let version = 0;
  let previousView: ClaimView | undefined;
  const steps: ClaimHistoryStep[] = [];
  const catalogue = {
    get: (sourceId: string) => {
      const source = sources.get(sourceId);
      return source?.status === 'registered' ? toSourceSnapshot(source) : undefined;
    },
  };

  for (const event of events) {
    const stream = parseStreamId(event.streamId);
    let touches = false;
    if (stream?.kind === 'source') {
      if (!fixedSources) {
        const state = sources.get(stream.id) ?? sourceDecider.initialState();
        sources.set(stream.id, sourceDecider.evolve(state, readSourceEvent(event)));
      }
      touches = claim.status !== 'none' && (fixedSources !== undefined || sourceIdsOf(claim).includes(stream.id));
    } else {
      claim = claimDecider.evolve(claim, readClaimEvent(event));
      version = event.streamVersion;
      touches = claim.status !== 'none';
    }
    if (!touches) continue;
    const view = claimViewOf(claim as OnRecordClaim, catalogue, { version, position: event.globalPosition, updatedAt: decidedAt(event) }, params);
    const previous = previousView ? headlineOf(previousView) : null;
    const current = headlineOf(view);
    steps.push({
      kind: stream?.kind === 'source' ? 'source_event' : 'claim_event',
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      position: { transactionId: event.transactionId, globalPosition: event.globalPosition },
      eventId: event.eventId,
      type: event.type,
      recordedAt: event.recordedAt,
      publishedAt: publishedAtOf(event),
      reportedAt: new Date(reportedAt(event)),
      data: event.data,
      metadata: event.metadata,
      hash: event.hash,
      view,
      previous,
      changed: previous ? HEADLINE_FIELDS.filter((field) => previous[field] !== current[field]) : [...HEADLINE_FIELDS],
    });
    previousView = view;
  }
  return steps;
};

/** The claim as it stood at the cut (undefined when it did not exist yet), recomputed from the log. */
export const claimViewAt = (
  claimEvents: readonly RecordedEvent[],
  sourceEvents: readonly RecordedEvent[],
  cut: HistoryCut,
  params: AssessmentParams = CURRENT_ASSESSMENT_MODEL,
): ClaimHistoryStep | undefined => replayClaimHistory(claimEvents, sourceEvents, cut, params).at(-1);

/** Sources a claim stream ever names (reporting and relayed): whose streams its history needs. */
export const sourceIdsOfClaimEvents = (claimEvents: readonly RecordedEvent[]): string[] => {
  const claim = claimEvents.map(readClaimEvent).reduce(claimDecider.evolve, claimDecider.initialState());
  return claim.status === 'none' ? [] : sourceIdsOf(claim);
};
