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

const addReport = (state: OnRecordClaim, report: ClaimReport): OnRecordClaim => ({
  ...state,
  reports: [...state.reports, report],
});

/** Applies one claim event. Events arrive validated, so it never throws; it ignores events before the claim exists. */
export const evolveClaim = (state: ClaimState, event: ClaimEvent): ClaimState => {
  if (event.type === 'ClaimAsserted') {
    const { report, recordedAt, recordedBy, ...claim } = event.data;
    return {
      status: 'open',
      ...claim,
      statementHistory: [{ statement: claim.statement, recordedAt, recordedBy }],
      reports: [{ ...report, stance: 'supports', isAssertion: true, recordedAt, recordedBy }],
      evidence: [],
      assertedAt: recordedAt,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ClaimCorroborated': {
      const { report, recordedAt, recordedBy } = event.data;
      return addReport(state, { ...report, stance: 'supports', isAssertion: false, recordedAt, recordedBy });
    }
    case 'ClaimDisputed': {
      const { report, reason, recordedAt, recordedBy } = event.data;
      return addReport(state, {
        ...report,
        stance: 'disputes',
        isAssertion: false,
        disputeReason: reason,
        recordedAt,
        recordedBy,
      });
    }
    case 'ClaimReportRetracted': {
      const { reportId, reason, recordedAt, recordedBy } = event.data;
      return {
        ...state,
        reports: state.reports.map((report) =>
          report.reportId === reportId && isActive(report)
            ? { ...report, retraction: { reason, recordedAt, recordedBy } }
            : report,
        ),
      };
    }
    case 'ClaimEvidenceAttached': {
      const { claimId: _claimId, ...evidence } = event.data;
      return { ...state, evidence: [...state.evidence, evidence] };
    }
    case 'ClaimVerdictIssued': {
      const { verdict, rationale, recordedAt, recordedBy } = event.data;
      return { ...state, verdict: { verdict, rationale, recordedAt, recordedBy } };
    }
    case 'ClaimVerdictWithdrawn': {
      const { verdict: _withdrawn, ...withoutVerdict } = state;
      return withoutVerdict;
    }
    case 'ClaimMerged':
      return { ...state, status: 'merged', mergedInto: event.data.intoClaimId };
    case 'ClaimStatementAmended': {
      const { statement, reason, recordedAt, recordedBy } = event.data;
      const history = state.statementHistory.map((revision, index, all) =>
        index === all.length - 1 ? { ...revision, replacedBecause: reason } : revision,
      );
      return { ...state, statement, statementHistory: [...history, { statement, recordedAt, recordedBy }] };
    }
    default:
      return assertNever(event);
  }
};
