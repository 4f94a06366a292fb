import { ClaimEvent as ClaimEventSchema, type ClaimEvent } from '@claims/contracts';
import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../testing/decider-specification';
import {
  SAHEL_SOURCES,
  corroborated,
  disputed,
  droukdelKilledAsserted,
  editor,
  fatalitiesAsserted,
  kalambaExecutionsAsserted,
  report,
  retracted,
  sahelCatalogue,
} from '../testing/sahel.fixtures';
import type { AddReport, ClaimCommand, OpenClaim } from './claim.commands';
import { claimDecider, toMergeTarget } from './claim.decider';
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
import type { OnRecordClaim } from './claim.state';

const given = deciderSpecification(claimDecider);
const sources = sahelCatalogue();
const claimId = 'claim-kalamba-executions';
const recorded = { recordedAt: editor.now, recordedBy: editor.actor };
const asserted = kalambaExecutionsAsserted;
const assertedData = asserted.type === 'ClaimAsserted' ? asserted.data : undefined!;

const openKalamba: OpenClaim = {
  type: 'OpenClaim',
  data: {
    sources,
    claimId,
    statement: assertedData.statement,
    category: assertedData.category,
    actors: assertedData.actors,
    location: assertedData.location,
    occurred: assertedData.occurred,
    report: assertedData.report,
  },
  metadata: editor,
};

const alNabaReport = report('rep-al-naba', 'alNaba');
const supportFromAlNaba: AddReport = {
  type: 'AddReport',
  data: { sources, claimId, stance: 'supports', report: alNabaReport },
  metadata: editor,
};

const merged: ClaimEvent = {
  type: 'ClaimMerged',
  data: { claimId, intoClaimId: 'claim-kalamba-attack', reason: 'Same incident', ...recorded },
};

describe('claim decider', () => {
  describe('OpenClaim', () => {
    it('puts the claim on record with its asserting report', () => given([]).when(openKalamba).then([asserted]));

    it("copies the claim's figure into the asserting report when the report gives none", () => {
      const data = fatalitiesAsserted.type === 'ClaimAsserted' ? fatalitiesAsserted.data : undefined!;
      const { figure: _figure, ...reportWithoutFigure } = data.report;
      given([])
        .when({
          type: 'OpenClaim',
          data: { ...openKalamba.data, ...data, report: reportWithoutFigure, sources },
          metadata: editor,
        })
        .then([fatalitiesAsserted]);
    });

    it('treats an identical retry as a no-op', () => given([asserted]).when(openKalamba).thenNothingHappens());

    it('rejects a different claim under an existing id', () =>
      given([asserted])
        .when({ ...openKalamba, data: { ...openKalamba.data, statement: 'Another statement' } })
        .thenThrows(ClaimAlreadyExists, { code: 'CLAIM_ALREADY_EXISTS', kind: 'conflict', field: 'claimId' }));

    it('needs a registered source', () =>
      given([])
        .when({ ...openKalamba, data: { ...openKalamba.data, report: { ...assertedData.report, sourceId: 'src-nobody' } } })
        .thenThrows(SourceNotRegistered, { code: 'SOURCE_NOT_REGISTERED', kind: 'validation', field: 'report.sourceId' }));

    it('needs the relayed source to be registered too', () =>
      given([])
        .when({
          ...openKalamba,
          data: { ...openKalamba.data, report: { ...assertedData.report, relaysSourceId: 'src-nobody' } },
        })
        .thenThrows(SourceNotRegistered, { field: 'report.relaysSourceId' }));

    it('rejects a report relaying its own source', () =>
      given([])
        .when({
          ...openKalamba,
          data: { ...openKalamba.data, report: { ...assertedData.report, relaysSourceId: assertedData.report.sourceId } },
        })
        .thenThrows(ReportRelaysItsOwnSource, { code: 'REPORT_RELAYS_ITS_OWN_SOURCE', field: 'report.relaysSourceId' }));

    it('rejects a report published after the command time', () =>
      given([])
        .when({
          ...openKalamba,
          data: { ...openKalamba.data, report: { ...assertedData.report, publishedAt: '2024-01-15T10:00:01Z' } },
        })
        .thenThrows(ReportPublishedInFuture, { code: 'REPORT_PUBLISHED_IN_FUTURE', field: 'report.publishedAt' }));

    it('needs a quantity for a casualty figure', () =>
      given([])
        .when({ ...openKalamba, data: { ...openKalamba.data, category: 'casualty_figure' } })
        .thenThrows(QuantityRequired, { code: 'QUANTITY_REQUIRED', kind: 'validation', field: 'quantity' }));
  });

  describe('AddReport', () => {
    it('records support as a corroboration', () =>
      given([asserted]).when(supportFromAlNaba).then([corroborated(claimId, alNabaReport)]));

    it('records a dispute with its reason and figure', () => {
      const denial = report('rep-az-zallaqa', 'azZallaqa', { figure: { best: 0 } });
      given([asserted])
        .when({
          type: 'AddReport',
          data: { sources, claimId, stance: 'disputes', reason: 'No JNIM member was executed', report: denial },
          metadata: editor,
        })
        .then([disputed(claimId, denial, 'No JNIM member was executed')]);
    });

    it('rejects a report on a claim that does not exist', () =>
      given([]).when(supportFromAlNaba).thenThrows(ClaimNotFound, { code: 'CLAIM_NOT_FOUND', kind: 'not_found' }));

    it('rejects a report on a merged claim, naming the claim it was merged into', () =>
      given([asserted, merged])
        .when(supportFromAlNaba)
        .thenThrows(ClaimMerged, { code: 'CLAIM_MERGED', mergedInto: 'claim-kalamba-attack', kind: 'conflict' }));

    it('needs a registered source', () =>
      given([asserted])
        .when({ ...supportFromAlNaba, data: { ...supportFromAlNaba.data, report: { ...alNabaReport, sourceId: 'src-x' } } })
        .thenThrows(SourceNotRegistered, { field: 'report.sourceId' }));

    it('allows one active report per source: a different second report is a conflict', () =>
      given([asserted, corroborated(claimId, alNabaReport)])
        .when({
          ...supportFromAlNaba,
          data: { ...supportFromAlNaba.data, report: { ...alNabaReport, reportId: 'rep-al-naba-2', quote: 'new' } },
        })
        .thenThrows(SourceAlreadyReported, {
          code: 'SOURCE_ALREADY_REPORTED',
          kind: 'conflict',
          existingReportId: 'rep-al-naba',
          field: 'report.sourceId',
        }));

    it('treats an identical second report from the same source as a no-op, whatever its new id', () =>
      given([asserted, corroborated(claimId, alNabaReport)])
        .when({ ...supportFromAlNaba, data: { ...supportFromAlNaba.data, report: { ...alNabaReport, reportId: 'rep-retry' } } })
        .thenNothingHappens());

    it('rejects reusing a report id for a different stance', () =>
      given([asserted, corroborated(claimId, alNabaReport)])
        .when({
          type: 'AddReport',
          data: { sources, claimId, stance: 'disputes', reason: 'changed its mind', report: alNabaReport },
          metadata: editor,
        })
        .thenThrows(ReportIdTaken));

    it('rejects a report id already used by another report', () =>
      given([asserted])
        .when({
          ...supportFromAlNaba,
          data: { ...supportFromAlNaba.data, report: { ...alNabaReport, reportId: 'rep-is-channel' } },
        })
        .thenThrows(ReportIdTaken, { code: 'REPORT_ID_TAKEN', field: 'report.reportId' }));

    it('lets a source report again once its report was retracted', () => {
      const again = { ...alNabaReport, reportId: 'rep-al-naba-2' };
      given([asserted, corroborated(claimId, alNabaReport), retracted(claimId, 'rep-al-naba', alNabaReport.sourceId, 'deleted')])
        .when({ ...supportFromAlNaba, data: { ...supportFromAlNaba.data, report: again } })
        .then([corroborated(claimId, again)]);
    });

    it('rejects a relay of an unregistered source', () =>
      given([asserted])
        .when({
          ...supportFromAlNaba,
          data: { ...supportFromAlNaba.data, report: { ...alNabaReport, relaysSourceId: 'src-unknown-channel' } },
        })
        .thenThrows(SourceNotRegistered, { field: 'report.relaysSourceId' }));
  });

  describe('RetractReport', () => {
    const retract: ClaimCommand = {
      type: 'RetractReport',
      data: { claimId, reportId: 'rep-al-naba', reason: 'Issue withdrawn' },
      metadata: editor,
    };

    it('retracts an active report, recording its source', () =>
      given([asserted, corroborated(claimId, alNabaReport)])
        .when(retract)
        .then([retracted(claimId, 'rep-al-naba', SAHEL_SOURCES.alNaba.sourceId, 'Issue withdrawn')]));

    it('rejects an unknown report', () =>
      given([asserted]).when(retract).thenThrows(ReportNotFound, { code: 'REPORT_NOT_FOUND', field: 'reportId' }));

    it('rejects a report that is no longer active', () =>
      given([asserted, corroborated(claimId, alNabaReport), retracted(claimId, 'rep-al-naba', alNabaReport.sourceId, 'x')])
        .when(retract)
        .thenThrows(ReportNotActive, { code: 'REPORT_NOT_ACTIVE', kind: 'conflict', field: 'reportId' }));

    it('rejects a claim that does not exist', () => given([]).when(retract).thenThrows(ClaimNotFound));

    it('still records a retraction on a merged claim', () =>
      given([asserted, corroborated(claimId, alNabaReport), merged])
        .when(retract)
        .then([retracted(claimId, 'rep-al-naba', alNabaReport.sourceId, 'Issue withdrawn')]));
  });

  describe('AttachEvidence', () => {
    const evidence = {
      claimId,
      evidenceId: 'ev-al-naba-412',
      url: 'https://archive.example.org/al-naba-412.pdf',
      sha256: 'a'.repeat(64),
      mediaType: 'application/pdf',
      reportId: 'rep-is-channel',
    };
    const attach: ClaimCommand = { type: 'AttachEvidence', data: evidence, metadata: editor };
    const attached: ClaimEvent = { type: 'ClaimEvidenceAttached', data: { ...evidence, ...recorded } };

    it('attaches archived evidence to a report', () => given([asserted]).when(attach).then([attached]));

    it('rejects evidence for a report not on the claim', () =>
      given([asserted])
        .when({ ...attach, data: { ...evidence, reportId: 'rep-nowhere' } })
        .thenThrows(ReportNotFound, { field: 'reportId' }));

    it('treats an identical retry as a no-op', () => given([asserted, attached]).when(attach).thenNothingHappens());

    it('rejects a different attachment under the same evidence id', () =>
      given([asserted, attached])
        .when({ ...attach, data: { ...evidence, mediaType: 'text/html' } })
        .thenThrows(EvidenceAlreadyAttached, { code: 'EVIDENCE_ALREADY_ATTACHED', field: 'evidenceId' }));

    it('rejects the same archived content under another id', () =>
      given([asserted, attached])
        .when({ ...attach, data: { ...evidence, evidenceId: 'ev-copy' } })
        .thenThrows(EvidenceAlreadyAttached, { field: 'sha256', existingEvidenceId: 'ev-al-naba-412' }));

    it('rejects evidence on a merged claim', () =>
      given([asserted, merged]).when(attach).thenThrows(ClaimMerged));
  });

  describe('IssueVerdict and WithdrawVerdict', () => {
    const issue: ClaimCommand = {
      type: 'IssueVerdict',
      data: { claimId, verdict: 'unverifiable', rationale: 'Only IS media and relays of it' },
      metadata: editor,
    };
    const issued: ClaimEvent = {
      type: 'ClaimVerdictIssued',
      data: { claimId, verdict: 'unverifiable', rationale: 'Only IS media and relays of it', ...recorded },
    };
    const withdraw: ClaimCommand = {
      type: 'WithdrawVerdict',
      data: { claimId, reason: 'New footage under review' },
      metadata: editor,
    };

    it('issues a verdict', () => given([asserted]).when(issue).then([issued]));

    it('treats the same verdict and rationale as a no-op', () =>
      given([asserted, issued]).when(issue).thenNothingHappens());

    it('lets a new verdict supersede the previous one', () =>
      given([asserted, issued])
        .when({ ...issue, data: { ...issue.data, verdict: 'misleading' } })
        .then([{ ...issued, data: { ...issued.data, verdict: 'misleading' } } as ClaimEvent]));

    it('rejects a verdict on a claim that does not exist', () => given([]).when(issue).thenThrows(ClaimNotFound));

    it('rejects a verdict on a merged claim', () => given([asserted, merged]).when(issue).thenThrows(ClaimMerged));

    it('withdraws the current verdict, naming it', () =>
      given([asserted, issued])
        .when(withdraw)
        .then([
          {
            type: 'ClaimVerdictWithdrawn',
            data: { claimId, reason: 'New footage under review', withdrawnVerdict: 'unverifiable', ...recorded },
          },
        ]));

    it('rejects a withdrawal when there is no verdict', () =>
      given([asserted]).when(withdraw).thenThrows(NoVerdictToWithdraw, { code: 'NO_ACTIVE_VERDICT', kind: 'conflict' }));
  });

  describe('MergeClaim', () => {
    const merge: ClaimCommand = {
      type: 'MergeClaim',
      data: { claimId, intoClaimId: 'claim-kalamba-attack', intoClaim: { status: 'open' }, reason: 'Same incident' },
      metadata: editor,
    };

    it('merges a duplicate into another claim', () => given([asserted]).when(merge).then([merged]));

    it('treats merging again into the same claim as a no-op', () =>
      given([asserted, merged]).when(merge).thenNothingHappens());

    it('rejects merging an already merged claim elsewhere, naming where it went', () =>
      given([asserted, merged])
        .when({ ...merge, data: { ...merge.data, intoClaimId: 'claim-other' } })
        .thenThrows(ClaimMerged, { mergedInto: 'claim-kalamba-attack' }));

    it('rejects merging a claim into itself', () =>
      given([asserted])
        .when({ ...merge, data: { ...merge.data, intoClaimId: claimId } })
        .thenThrows(ClaimCannotMergeIntoItself, { code: 'CLAIM_MERGE_INTO_SELF', field: 'intoClaimId' }));

    it('rejects a target that does not exist', () =>
      given([asserted])
        .when({ ...merge, data: { ...merge.data, intoClaim: undefined } })
        .thenThrows(ClaimNotFound, { field: 'intoClaimId' }));

    it('rejects a target that was itself merged, naming its survivor', () =>
      given([asserted])
        .when({ ...merge, data: { ...merge.data, intoClaim: { status: 'merged', mergedInto: 'claim-survivor' } } })
        .thenThrows(MergeTargetMerged, { code: 'MERGE_TARGET_MERGED', mergedInto: 'claim-survivor' }));

    it('rejects merging a claim that does not exist', () => given([]).when(merge).thenThrows(ClaimNotFound));

    it('derives the merge target from the target claim state', () => {
      expect(toMergeTarget(claimDecider.initialState())).toBeUndefined();
      expect(toMergeTarget(foldEvents(claimDecider, [asserted, merged]))).toEqual({
        status: 'merged',
        mergedInto: 'claim-kalamba-attack',
      });
    });
  });

  describe('AmendStatement', () => {
    const amend: ClaimCommand = {
      type: 'AmendStatement',
      data: { claimId, statement: 'ISGS claims it executed JNIM members near Kalamba', reason: 'Attribute the claim' },
      metadata: editor,
    };
    const amended: ClaimEvent = {
      type: 'ClaimStatementAmended',
      data: {
        claimId,
        previousStatement: assertedData.statement,
        statement: 'ISGS claims it executed JNIM members near Kalamba',
        reason: 'Attribute the claim',
        ...recorded,
      },
    };

    it('amends the statement, recording the previous wording', () => given([asserted]).when(amend).then([amended]));

    it('is a no-op when the statement does not change', () =>
      given([asserted, amended]).when(amend).thenNothingHappens());

    it('rejects amending a merged claim', () => given([asserted, merged]).when(amend).thenThrows(ClaimMerged));

    it('rejects amending a claim that does not exist', () => given([]).when(amend).thenThrows(ClaimNotFound));

    it('keeps the statement history', () => {
      const state = foldEvents(claimDecider, [asserted, amended]) as OnRecordClaim;
      expect(state.statement).toBe('ISGS claims it executed JNIM members near Kalamba');
      expect(state.statementHistory.map((revision) => [revision.statement, revision.replacedBecause])).toEqual([
        [assertedData.statement, 'Attribute the claim'],
        ['ISGS claims it executed JNIM members near Kalamba', undefined],
      ]);
    });
  });

  it('emits only events that satisfy the event contract', () => {
    const commands: ClaimCommand[] = [
      {
        type: 'OpenClaim',
        data: {
          ...openKalamba.data,
          ...(droukdelKilledAsserted.type === 'ClaimAsserted' ? droukdelKilledAsserted.data : undefined!),
          sources,
        },
        metadata: editor,
      },
      {
        type: 'AddReport',
        data: {
          sources,
          claimId: 'claim-droukdel-killed',
          stance: 'disputes',
          reason: 'Body not shown',
          report: report('rep-az', 'azZallaqa', { figure: { low: 0, high: 1 } }),
        },
        metadata: editor,
      },
      { type: 'RetractReport', data: { claimId: 'claim-droukdel-killed', reportId: 'rep-az', reason: 'x' }, metadata: editor },
      { type: 'IssueVerdict', data: { claimId: 'claim-droukdel-killed', verdict: 'confirmed', rationale: 'AQIM confirmed' }, metadata: editor },
    ];
    const events = commands.reduce<ClaimEvent[]>(
      (history, command) => [...history, ...claimDecider.decide(command, foldEvents(claimDecider, history))],
      [],
    );
    expect(events.map((event) => event.type)).toEqual([
      'ClaimAsserted',
      'ClaimDisputed',
      'ClaimReportRetracted',
      'ClaimVerdictIssued',
    ]);
    for (const event of events) expect(ClaimEventSchema.parse(event)).toEqual(event);
  });
});
