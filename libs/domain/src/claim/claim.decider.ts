import type { ClaimEvent, ReportDetails } from '@claims/contracts';
import { assertNever, type CommandMetadata, type Decider } from '../shared/decider';
import { sameContent } from '../shared/same-content';
import type { SourceCatalogue } from '../source/source-catalogue';
import type {
  AddReport,
  AmendStatement,
  AttachEvidence,
  ClaimCommand,
  IssueVerdict,
  MergeClaim,
  MergeTarget,
  OpenClaim,
  RetractReport,
  WithdrawVerdict,
} from './claim.commands';
import {
  ClaimAlreadyExists,
  ClaimCannotMergeIntoItself,
  ClaimMerged,
  ClaimNotFound,
  EvidenceAlreadyAttached,
  MergeTargetMerged,
  NoVerdictToWithdraw,
  QuantityRequired,
  ReportIdTaken,
  ReportNotActive,
  ReportNotFound,
  ReportPublishedInFuture,
  ReportRelaysItsOwnSource,
  SourceAlreadyReported,
  SourceNotRegistered,
} from './claim.errors';
import {
  evolveClaim,
  initialClaimState,
  isActive,
  type ClaimReport,
  type ClaimState,
  type OnRecordClaim,
} from './claim.state';

const recorded = (metadata: CommandMetadata) => ({ recordedAt: metadata.now, recordedBy: metadata.actor });

const existing = (state: ClaimState, claimId: string): OnRecordClaim => {
  if (state.status === 'none') throw new ClaimNotFound(claimId);
  return state;
};

/** The claim must exist and not have been merged away. */
const openClaim = (state: ClaimState, claimId: string): OnRecordClaim => {
  const claim = existing(state, claimId);
  if (claim.status === 'merged') throw new ClaimMerged(claimId, claim.mergedInto ?? '');
  return claim;
};

/** Rules every report obeys, whether it opens the claim or joins it. */
const checkReport = (report: ReportDetails, sources: SourceCatalogue, metadata: CommandMetadata): void => {
  if (!sources.get(report.sourceId)) throw new SourceNotRegistered(report.sourceId);
  if (report.relaysSourceId !== undefined) {
    if (report.relaysSourceId === report.sourceId) throw new ReportRelaysItsOwnSource(report.sourceId);
    if (!sources.get(report.relaysSourceId)) {
      throw new SourceNotRegistered(report.relaysSourceId, 'report.relaysSourceId');
    }
  }
  if (Date.parse(report.publishedAt) > Date.parse(metadata.now)) {
    throw new ReportPublishedInFuture(report.publishedAt, metadata.now);
  }
};

const decideOpenClaim = ({ data, metadata }: OpenClaim, state: ClaimState): ClaimEvent[] => {
  const { sources, report, ...claim } = data;
  if (claim.category === 'casualty_figure' && !claim.quantity) throw new QuantityRequired(claim.category);
  checkReport(report, sources, metadata);
  const asserted: ClaimEvent = {
    type: 'ClaimAsserted',
    data: {
      ...claim,
      // The asserting report is where the claim's figure came from, so it carries it for the figure range.
      report: claim.quantity && !report.figure ? { ...report, figure: claim.quantity.figure } : report,
      ...recorded(metadata),
    },
  };
  if (state.status !== 'none') {
    // A retried OpenClaim is recognised by content and ignored; anything else under this id is a conflict.
    const { recordedAt: _at, recordedBy: _by, ...requested } = asserted.data;
    if (sameContent(requested, assertedContentOf(state))) return [];
    throw new ClaimAlreadyExists(data.claimId);
  }
  return [asserted];
};

/** The report as it was submitted, without what the claim added when recording it. */
const reportDetailsOf = (report: ClaimReport): ReportDetails => ({
  reportId: report.reportId,
  sourceId: report.sourceId,
  publishedAt: report.publishedAt,
  url: report.url,
  quote: report.quote,
  relaysSourceId: report.relaysSourceId,
  selfInterested: report.selfInterested,
  figure: report.figure,
  sealed: report.sealed,
});

/** The claim as its `ClaimAsserted` event put it on record (before amendments). */
const assertedContentOf = (claim: OnRecordClaim) => {
  const assertion = claim.reports.find((report) => report.isAssertion);
  return {
    claimId: claim.claimId,
    statement: claim.statementHistory[0]?.statement,
    category: claim.category,
    actors: claim.actors,
    location: claim.location,
    occurred: claim.occurred,
    quantity: claim.quantity,
    report: assertion && reportDetailsOf(assertion),
  };
};

/** What makes two reports "the same report": everything but the id and the bookkeeping. */
const reportContent = (report: ReportDetails, stance: string, disputeReason: string | undefined) => {
  const { reportId: _reportId, ...content } = report;
  return { ...content, stance, disputeReason };
};

const storedReportContent = (report: ClaimReport) =>
  reportContent(reportDetailsOf(report), report.stance, report.disputeReason);

const decideAddReport = ({ data, metadata }: AddReport, state: ClaimState): ClaimEvent[] => {
  const claim = openClaim(state, data.claimId);
  const { report } = data;
  checkReport(report, data.sources, metadata);
  const requested = reportContent(report, data.stance, data.stance === 'disputes' ? data.reason : undefined);

  const sameId = claim.reports.find((candidate) => candidate.reportId === report.reportId);
  if (sameId) {
    if (sameContent(storedReportContent(sameId), requested)) return [];
    throw new ReportIdTaken(report.reportId);
  }
  const activeFromSource = claim.reports.find(
    (candidate) => candidate.sourceId === report.sourceId && isActive(candidate),
  );
  if (activeFromSource) {
    // A client retry under a fresh id is recognised by content and ignored.
    if (sameContent(storedReportContent(activeFromSource), requested)) return [];
    throw new SourceAlreadyReported(report.sourceId, activeFromSource.reportId);
  }

  return data.stance === 'supports'
    ? [{ type: 'ClaimCorroborated', data: { claimId: data.claimId, report, ...recorded(metadata) } }]
    : [{ type: 'ClaimDisputed', data: { claimId: data.claimId, report, reason: data.reason, ...recorded(metadata) } }];
};

const decideRetractReport = ({ data, metadata }: RetractReport, state: ClaimState): ClaimEvent[] => {
  // Retraction is allowed on a merged claim: the source withdrew what it said, and the record must show it.
  const claim = existing(state, data.claimId);
  const report = claim.reports.find((candidate) => candidate.reportId === data.reportId);
  if (!report) throw new ReportNotFound(data.reportId);
  if (!isActive(report)) throw new ReportNotActive(data.reportId);
  return [
    {
      type: 'ClaimReportRetracted',
      data: {
        claimId: data.claimId,
        reportId: data.reportId,
        sourceId: report.sourceId,
        reason: data.reason,
        ...recorded(metadata),
      },
    },
  ];
};

const decideAttachEvidence = ({ data, metadata }: AttachEvidence, state: ClaimState): ClaimEvent[] => {
  const claim = openClaim(state, data.claimId);
  if (data.reportId !== undefined && !claim.reports.some((report) => report.reportId === data.reportId)) {
    throw new ReportNotFound(data.reportId);
  }
  const { claimId, ...evidence } = data;
  const sameId = claim.evidence.find((candidate) => candidate.evidenceId === data.evidenceId);
  if (sameId) {
    const { recordedAt: _at, recordedBy: _by, ...attached } = sameId;
    if (sameContent(attached, evidence)) return [];
    throw new EvidenceAlreadyAttached(sameId.evidenceId, 'evidenceId');
  }
  const sameContentHash = claim.evidence.find((candidate) => candidate.sha256 === data.sha256);
  if (sameContentHash) throw new EvidenceAlreadyAttached(sameContentHash.evidenceId, 'sha256');
  return [{ type: 'ClaimEvidenceAttached', data: { claimId, ...evidence, ...recorded(metadata) } }];
};

const decideIssueVerdict = ({ data, metadata }: IssueVerdict, state: ClaimState): ClaimEvent[] => {
  const claim = openClaim(state, data.claimId);
  // A new verdict supersedes the previous one; the stream keeps both.
  if (claim.verdict?.verdict === data.verdict && claim.verdict.rationale === data.rationale) return [];
  return [{ type: 'ClaimVerdictIssued', data: { ...data, ...recorded(metadata) } }];
};

const decideWithdrawVerdict = ({ data, metadata }: WithdrawVerdict, state: ClaimState): ClaimEvent[] => {
  // Allowed on a merged claim: taking back an editorial statement is always safe.
  const claim = existing(state, data.claimId);
  if (!claim.verdict) throw new NoVerdictToWithdraw(data.claimId);
  return [
    {
      type: 'ClaimVerdictWithdrawn',
      data: { ...data, withdrawnVerdict: claim.verdict.verdict, ...recorded(metadata) },
    },
  ];
};

const decideMergeClaim = ({ data, metadata }: MergeClaim, state: ClaimState): ClaimEvent[] => {
  const claim = existing(state, data.claimId);
  if (claim.status === 'merged') {
    if (claim.mergedInto === data.intoClaimId) return [];
    throw new ClaimMerged(data.claimId, claim.mergedInto ?? '');
  }
  if (data.intoClaimId === data.claimId) throw new ClaimCannotMergeIntoItself(data.claimId);
  if (!data.intoClaim) throw new ClaimNotFound(data.intoClaimId, 'intoClaimId');
  if (data.intoClaim.status === 'merged') {
    throw new MergeTargetMerged(data.intoClaimId, data.intoClaim.mergedInto ?? '');
  }
  return [
    {
      type: 'ClaimMerged',
      data: { claimId: data.claimId, intoClaimId: data.intoClaimId, reason: data.reason, ...recorded(metadata) },
    },
  ];
};

const decideAmendStatement = ({ data, metadata }: AmendStatement, state: ClaimState): ClaimEvent[] => {
  const claim = openClaim(state, data.claimId);
  if (claim.statement === data.statement) return [];
  return [
    {
      type: 'ClaimStatementAmended',
      data: {
        claimId: data.claimId,
        previousStatement: claim.statement,
        statement: data.statement,
        reason: data.reason,
        ...recorded(metadata),
      },
    },
  ];
};

/** Turns a command into the claim events it causes, or throws a {@link DomainError} naming the broken rule. */
export const decideClaim = (command: ClaimCommand, state: ClaimState): ClaimEvent[] => {
  switch (command.type) {
    case 'OpenClaim':
      return decideOpenClaim(command, state);
    case 'AddReport':
      return decideAddReport(command, state);
    case 'RetractReport':
      return decideRetractReport(command, state);
    case 'AttachEvidence':
      return decideAttachEvidence(command, state);
    case 'IssueVerdict':
      return decideIssueVerdict(command, state);
    case 'WithdrawVerdict':
      return decideWithdrawVerdict(command, state);
    case 'MergeClaim':
      return decideMergeClaim(command, state);
    case 'AmendStatement':
      return decideAmendStatement(command, state);
    default:
      return assertNever(command);
  }
};

/** What a `MergeClaim` command needs to know about its target, from the target's folded state. */
export const toMergeTarget = (state: ClaimState): MergeTarget | undefined =>
  state.status === 'none'
    ? undefined
    : { status: state.status, ...(state.mergedInto !== undefined ? { mergedInto: state.mergedInto } : {}) };

/** Claim stream decider: one stream per claim. */
export const claimDecider: Decider<ClaimState, ClaimCommand, ClaimEvent> = {
  initialState: initialClaimState,
  evolve: evolveClaim,
  decide: decideClaim,
};
