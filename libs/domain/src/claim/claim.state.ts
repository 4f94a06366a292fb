import type {
  ClaimActor,
  ClaimCategory,
  ClaimEvent,
  ClaimLocation,
  ClaimQuantity,
  OccurrenceWindow,
  ReportDetails,
  ReportStance,
  Verdict,
} from '@claims/contracts';
import { assertNever } from '../shared/decider';

/** A report as the claim remembers it; retracted reports stay, with their retraction. */
export interface ClaimReport extends ReportDetails {
  stance: ReportStance;
  /** The report that put the claim on record. */
  isAssertion: boolean;
  /** Why a disputing report contradicts the claim. */
  disputeReason?: string;
  recordedAt: string;
  recordedBy: string;
  retraction?: { reason: string; recordedAt: string; recordedBy: string };
}

export interface ClaimEvidence {
  evidenceId: string;
  url: string;
  sha256: string;
  mediaType: string;
  reportId?: string;
  recordedAt: string;
  recordedBy: string;
}

export interface ClaimVerdict {
  verdict: Verdict;
  rationale: string;
  recordedAt: string;
  recordedBy: string;
}

export interface StatementRevision {
  statement: string;
  /** Why it was replaced; absent on the current statement. */
  replacedBecause?: string;
  recordedAt: string;
  recordedBy: string;
}

export interface OnRecordClaim {
  status: 'open' | 'merged';
  claimId: string;
  statement: string;
  /** Every wording the statement has had, oldest first; the last one is current. */
  statementHistory: readonly StatementRevision[];
  category: ClaimCategory;
  actors: readonly ClaimActor[];
  location: ClaimLocation;
  occurred: OccurrenceWindow;
  quantity?: ClaimQuantity;
  /** In the order they were recorded. */
  reports: readonly ClaimReport[];
  evidence: readonly ClaimEvidence[];
  verdict?: ClaimVerdict;
  mergedInto?: string;
  assertedAt: string;
}

export type ClaimState = { status: 'none' } | OnRecordClaim;

export const initialClaimState = (): ClaimState => ({ status: 'none' });

export const isActive = (report: ClaimReport): boolean => report.retraction === undefined;

/** A claim whose object and arrays the folder owns: applying an event may write to them. */
interface DraftClaim extends Omit<OnRecordClaim, 'statementHistory' | 'reports' | 'evidence'> {
  statementHistory: StatementRevision[];
  reports: ClaimReport[];
  evidence: ClaimEvidence[];
}
type DraftState = { status: 'none' } | DraftClaim;

// Objects are built with Object.assign rather than `{ ...spread, newKey }`: the same keys in the same order,
// but V8 11 (Node 20) adds each key after a spread on a slow path (about 1 µs a key), which dominated replays.

/** The event's claim fields: everything but the report and the bookkeeping, in the event's key order. */
const assertedFields = (data: Extract<ClaimEvent, { type: 'ClaimAsserted' }>['data']) => {
  const fields: Record<string, unknown> = { status: 'open' };
  for (const key of Object.keys(data)) {
    if (key !== 'report' && key !== 'recordedAt' && key !== 'recordedBy') fields[key] = data[key as keyof typeof data];
  }
  return fields as Omit<typeof data, 'report' | 'recordedAt' | 'recordedBy'> & { status: 'open' };
};

/**
 * Applies one event to a draft it owns: writes to the draft object and its arrays, never to their elements
 * (a changed report or revision is replaced), so elements shared with earlier states stay untouched.
 * Returns the draft, or a new one when the event starts the claim over.
 */
const applyClaimEvent = (state: DraftState, event: ClaimEvent): DraftState => {
  if (event.type === 'ClaimAsserted') {
    const { report, recordedAt, recordedBy } = event.data;
    const claim = assertedFields(event.data);
    return Object.assign(claim, {
      statementHistory: [{ statement: claim.statement, recordedAt, recordedBy }],
      reports: [Object.assign({}, report, { stance: 'supports' as const, isAssertion: true, recordedAt, recordedBy })],
      evidence: [],
      assertedAt: recordedAt,
    });
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ClaimCorroborated': {
      const { report, recordedAt, recordedBy } = event.data;
      state.reports.push(Object.assign({}, report, { stance: 'supports' as const, isAssertion: false, recordedAt, recordedBy }));
      return state;
    }
    case 'ClaimDisputed': {
      const { report, reason, recordedAt, recordedBy } = event.data;
      state.reports.push(
        Object.assign({}, report, {
          stance: 'disputes' as const,
          isAssertion: false,
          disputeReason: reason,
          recordedAt,
          recordedBy,
        }),
      );
      return state;
    }
    case 'ClaimReportRetracted': {
      const { reportId, reason, recordedAt, recordedBy } = event.data;
      const { reports } = state;
      for (let index = 0; index < reports.length; index += 1) {
        const report = reports[index];
        if (report.reportId === reportId && isActive(report)) {
          reports[index] = Object.assign({}, report, { retraction: { reason, recordedAt, recordedBy } });
        }
      }
      return state;
    }
    case 'ClaimEvidenceAttached': {
      const { claimId: _claimId, ...evidence } = event.data;
      state.evidence.push(evidence);
      return state;
    }
    case 'ClaimVerdictIssued': {
      const { verdict, rationale, recordedAt, recordedBy } = event.data;
      state.verdict = { verdict, rationale, recordedAt, recordedBy };
      return state;
    }
    case 'ClaimVerdictWithdrawn': {
      // A fresh object rather than `delete`: the key goes away without leaving the draft in dictionary mode.
      const { verdict: _withdrawn, ...withoutVerdict } = state;
      return withoutVerdict;
    }
    case 'ClaimMerged':
      state.status = 'merged';
      state.mergedInto = event.data.intoClaimId;
      return state;
    case 'ClaimStatementAmended': {
      const { statement, reason, recordedAt, recordedBy } = event.data;
      const history = state.statementHistory;
      const last = history.length - 1;
      if (last >= 0) history[last] = Object.assign({}, history[last], { replacedBecause: reason });
      history.push({ statement, recordedAt, recordedBy });
      state.statement = statement;
      return state;
    }
    default:
      return assertNever(event);
  }
};

/** A draft of `state` that shares its elements but owns its object and arrays. */
const draftOf = (state: ClaimState): DraftState =>
  state.status === 'none'
    ? state
    : {
        ...state,
        statementHistory: [...state.statementHistory],
        reports: [...state.reports],
        evidence: [...state.evidence],
      };

/** Applies one claim event. Events arrive validated, so it never throws; it ignores events before the claim exists. */
export const evolveClaim = (state: ClaimState, event: ClaimEvent): ClaimState =>
  applyClaimEvent(event.type === 'ClaimAsserted' ? { status: 'none' } : draftOf(state), event);

/**
 * Folds a claim stream event by event without copying the state per event: what `evolveClaim` computes,
 * for replays of long logs. `state` is the fold's own; read it once the events are applied (applying more
 * afterwards would change what was read).
 */
export class ClaimStateFold {
  private draft: DraftState = { status: 'none' };

  apply(event: ClaimEvent): ClaimState {
    this.draft = applyClaimEvent(this.draft, event);
    return this.draft;
  }

  get state(): ClaimState {
    return this.draft;
  }
}
