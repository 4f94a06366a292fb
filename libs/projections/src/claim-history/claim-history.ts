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
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
  hash: string;
  /** The claim's row as this step left it: the same `claimViewOf` the live projection runs. */
  view: ClaimView;
  /** Headline before the step (null for the assertion) and what moved. */
  previous: ClaimHeadline | null;
  changed: Array<keyof ClaimHeadline>;
}

/** Where to stop replaying: after a claim version, or at an instant of the store's clock (inclusive). */
export type HistoryCut = { atVersion: number } | { asOf: Date } | Record<string, never>;

const HEADLINE_FIELDS: Array<keyof ClaimHeadline> = ['publishedStatus', 'computedStatus', 'credibilityRating', 'band', 'confidence', 'modelVersion'];

const byLogPosition = (a: RecordedEvent, b: RecordedEvent): number => compareLogPositions(a, b);

/** The `recordedAt` a command put in the event's payload: what the projection stores as `updatedAt`. */
const decidedAt = (event: RecordedEvent): string => {
  const at = (event.data as { recordedAt?: unknown }).recordedAt;
  return typeof at === 'string' ? new Date(at).toISOString() : event.recordedAt.toISOString();
};

/**
 * Replays a claim's stream together with the streams of its sources, in log order, through the code the
 * live projection uses (`evolve`, `assessClaim` via `claimViewOf`), and returns one step per claim event
 * and per source event that re-assessed the claim (the source was on the claim when it happened, exactly
 * as `reassessClaimsOfSource` does). Pure: the same events give the same steps.
 */
export const replayClaimHistory = (
  claimEvents: readonly RecordedEvent[],
  sourceEvents: readonly RecordedEvent[],
  cut: HistoryCut = {},
  params: AssessmentParams = CURRENT_ASSESSMENT_MODEL,
): ClaimHistoryStep[] => {
  const cutVersion = 'atVersion' in cut ? cut.atVersion : undefined;
  const cutTime = 'asOf' in cut ? cut.asOf.getTime() : undefined;
  const claims = cutVersion === undefined ? claimEvents : claimEvents.filter((event) => event.streamVersion <= cutVersion);
  // At a version, the catalogue is the one the projection saw when that version was written.
  const lastClaimEvent = claims.at(-1);
  const events = [...claims, ...sourceEvents]
    .filter((event) => cutTime === undefined || event.recordedAt.getTime() <= cutTime)
    .filter((event) => cutVersion === undefined || (lastClaimEvent !== undefined && compareLogPositions(event, lastClaimEvent) <= 0))
    .sort(byLogPosition);

  const sources = new Map<string, SourceState>();
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
      const state = sources.get(stream.id) ?? sourceDecider.initialState();
      sources.set(stream.id, sourceDecider.evolve(state, readSourceEvent(event)));
      touches = claim.status !== 'none' && sourceIdsOf(claim).includes(stream.id);
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
