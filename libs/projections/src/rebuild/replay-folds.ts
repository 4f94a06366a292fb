import { readClaimEvent, readSourceEvent } from '@claims/contracts';
import {
  CURRENT_ASSESSMENT_MODEL,
  ClaimStateFold,
  sourceDecider,
  toSourceSnapshot,
  type AssessmentParams,
  type ClaimState,
  type SourceCatalogue,
  type SourceSnapshot,
  type SourceState,
} from '@claims/domain';
import { compareLogPositions, type LogPosition, type ReplayEvent } from '@claims/event-store';
import { claimViewOf, type ClaimView } from '../claim-view/claim-view.projection';
import { claimStreamId } from '../streams';
import { sourceViewOf, type SourceView } from '../source-view/source-view.projection';

/** What a rebuild reads of each event (no metadata, no hash). */
export type ReplayedEvent = ReplayEvent;

/** The `recordedAt` the command put in the payload: the live projection's `updatedAt` for the event. */
const decidedAtOf = (event: ReplayedEvent): string => {
  const at = event.data.recordedAt;
  return typeof at === 'string' ? new Date(at).toISOString() : '';
};

interface SourceFold {
  state: SourceState;
  version: number;
  position: LogPosition;
  decidedAt: string;
  /** The catalogue entry, made once per source event rather than on every lookup. */
  snapshot: SourceSnapshot | undefined;
}

/**
 * Every source folded from its stream, with the place of its last event: the catalogue a claim is
 * assessed against, and what tells whether a source event re-assessed a claim after it named the source.
 * One entry per source (the only memory a rebuild keeps across the whole log).
 */
export class SourceFolds implements SourceCatalogue {
  private readonly folds = new Map<string, SourceFold>();

  apply(sourceId: string, event: ReplayedEvent): void {
    const fold = this.folds.get(sourceId);
    const state = sourceDecider.evolve(fold?.state ?? sourceDecider.initialState(), readSourceEvent(event));
    const snapshot = state.status === 'registered' ? toSourceSnapshot(state) : undefined;
    this.folds.set(sourceId, { state, version: event.streamVersion, position: event.position, decidedAt: decidedAtOf(event), snapshot });
  }

  get(sourceId: string): SourceSnapshot | undefined {
    return this.folds.get(sourceId)?.snapshot;
  }

  lastEvent(sourceId: string): { position: LogPosition; decidedAt: string } | undefined {
    return this.folds.get(sourceId);
  }

  /** `source_view` rows, as the live projection leaves them after each source's last event. */
  *views(): Generator<SourceView> {
    for (const fold of this.folds.values()) {
      if (fold.state.status !== 'registered') continue;
      yield sourceViewOf(fold.state, { version: fold.version, position: fold.position.globalPosition, updatedAt: fold.decidedAt });
    }
  }

  get size(): number {
    return this.folds.size;
  }
}

/** One claim stream folded event by event, remembering where each source first appeared on it. */
export class ClaimFold {
  /** Folded in place (`ClaimStateFold`): the same state `claimDecider.evolve` reaches, without a copy per event. */
  private readonly fold = new ClaimStateFold();
  version = 0;
  readonly streamId: string;
  private last?: ReplayedEvent;
  private readonly linkedAt = new Map<string, LogPosition>();

  constructor(readonly claimId: string) {
    this.streamId = claimStreamId(claimId);
  }

  get state(): ClaimState {
    return this.fold.state;
  }

  apply(event: ReplayedEvent): void {
    const decided = readClaimEvent(event);
    this.fold.apply(decided);
    this.version = event.streamVersion;
    this.last = event;
    if (this.state.status === 'none') return;
    // Only a report brings a source onto a claim (what `sourceIdsOf` collects), so only its sources are new.
    const report = 'report' in decided.data ? decided.data.report : undefined;
    for (const sourceId of report ? [report.sourceId, report.relaysSourceId] : []) {
      if (sourceId !== undefined && !this.linkedAt.has(sourceId)) this.linkedAt.set(sourceId, event.position);
    }
  }

  /**
   * The claim's row as the live projection leaves it: the folded claim assessed against the sources' final
   * snapshots, stamped with the last event that touched it — its own last event, or a later event of a
   * source it named before that source event (which `reassessClaimsOfSource` applied to it). Every event
   * of its sources is at or before that touch, so the final snapshots are the ones the live row saw.
   */
  view(sources: SourceFolds, params: AssessmentParams = CURRENT_ASSESSMENT_MODEL): ClaimView | undefined {
    if (this.state.status === 'none' || !this.last) return undefined;
    let touch = { position: this.last.position, decidedAt: decidedAtOf(this.last) };
    for (const [sourceId, linkedAt] of this.linkedAt) {
      const sourceLast = sources.lastEvent(sourceId);
      if (sourceLast && compareLogPositions(sourceLast.position, linkedAt) > 0 && compareLogPositions(sourceLast.position, touch.position) > 0) {
        touch = sourceLast;
      }
    }
    return claimViewOf(this.state, sources, { version: this.version, position: touch.position.globalPosition, updatedAt: touch.decidedAt }, params);
  }
}
