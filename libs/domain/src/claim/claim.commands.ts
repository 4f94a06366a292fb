import type {
  ClaimActor,
  ClaimCategory,
  ClaimLocation,
  ClaimQuantity,
  OccurrenceWindow,
  ReportDetails,
  Verdict,
} from '@claims/contracts';
import type { DomainCommand } from '../shared/decider';
import type { SourceCatalogue } from '../source/source-catalogue';

/**
 * Commands that add a report carry `sources`, a lookup of current source snapshots, instead of making
 * `decide` take a third argument: the decider keeps Emmett's `decide(command, state)` shape, so the
 * generic `handleCommand` runs it unchanged, and the handler stays one line longer, not one rule heavier
 * (it passes the source read model, or just the snapshots of `report.sourceId` and `report.relaysSourceId`).
 * Absence from the lookup means "not registered".
 */
export interface WithSourceLookup {
  sources: SourceCatalogue;
}

/** Opens a claim with the report that first puts it on record. */
export type OpenClaim = DomainCommand<
  'OpenClaim',
  WithSourceLookup & {
    claimId: string;
    statement: string;
    category: ClaimCategory;
    actors: ClaimActor[];
    location: ClaimLocation;
    occurred: OccurrenceWindow;
    /** Required for `casualty_figure` claims; its figure is the asserting report's figure unless it has one. */
    quantity?: ClaimQuantity;
    report: ReportDetails;
  }
>;

/** A further report: support becomes `ClaimCorroborated`, dispute becomes `ClaimDisputed`. */
export type AddReport = DomainCommand<
  'AddReport',
  WithSourceLookup & { claimId: string; report: ReportDetails } & (
      | { stance: 'supports' }
      | { stance: 'disputes'; reason: string }
    )
>;

export type RetractReport = DomainCommand<'RetractReport', { claimId: string; reportId: string; reason: string }>;

export type AttachEvidence = DomainCommand<
  'AttachEvidence',
  { claimId: string; evidenceId: string; url: string; sha256: string; mediaType: string; reportId?: string }
>;

export type IssueVerdict = DomainCommand<'IssueVerdict', { claimId: string; verdict: Verdict; rationale: string }>;

export type WithdrawVerdict = DomainCommand<'WithdrawVerdict', { claimId: string; reason: string }>;

/** What `MergeClaim` needs to know about the claim it merges into; `undefined` when it does not exist. */
export interface MergeTarget {
  status: 'open' | 'merged';
  mergedInto?: string;
}

export type MergeClaim = DomainCommand<
  'MergeClaim',
  { claimId: string; intoClaimId: string; intoClaim: MergeTarget | undefined; reason: string }
>;

export type AmendStatement = DomainCommand<'AmendStatement', { claimId: string; statement: string; reason: string }>;

export type ClaimCommand =
  | OpenClaim
  | AddReport
  | RetractReport
  | AttachEvidence
  | IssueVerdict
  | WithdrawVerdict
  | MergeClaim
  | AmendStatement;
