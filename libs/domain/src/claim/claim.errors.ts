import { DomainError } from '../shared/domain-error';

export class ClaimNotFound extends DomainError {
  readonly code = 'CLAIM_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(claimId: string, field = 'claimId') {
    super(`Claim ${claimId} does not exist`, field, { claimId });
  }
}

/** Opening an existing claim with a different assertion; an identical retry is a no-op instead. */
export class ClaimAlreadyExists extends DomainError {
  readonly code = 'CLAIM_ALREADY_EXISTS';
  readonly kind = 'conflict';
  constructor(claimId: string) {
    super(`Claim ${claimId} already exists`, 'claimId', { claimId });
  }
}

/** The claim was merged as a duplicate; the error names the claim that now takes its reports. */
export class ClaimMerged extends DomainError {
  readonly code = 'CLAIM_MERGED';
  readonly kind = 'conflict';
  constructor(
    claimId: string,
    readonly mergedInto: string,
  ) {
    super(`Claim ${claimId} was merged into claim ${mergedInto}`, 'claimId', { claimId, mergedInto });
  }
}

/** A report needs a registered source (and a relayed source must be registered too). */
export class SourceNotRegistered extends DomainError {
  readonly code = 'SOURCE_NOT_REGISTERED';
  readonly kind = 'validation';
  constructor(sourceId: string, field: 'report.sourceId' | 'report.relaysSourceId' = 'report.sourceId') {
    super(`Source ${sourceId} is not registered`, field, { sourceId });
  }
}

/** One active report per source per claim: the source must retract before it reports again. */
export class SourceAlreadyReported extends DomainError {
  readonly code = 'SOURCE_ALREADY_REPORTED';
  readonly kind = 'conflict';
  constructor(
    sourceId: string,
    readonly existingReportId: string,
  ) {
    super(`Source ${sourceId} already has active report ${existingReportId} on this claim`, 'report.sourceId', {
      sourceId,
      existingReportId,
    });
  }
}

export class ReportIdTaken extends DomainError {
  readonly code = 'REPORT_ID_TAKEN';
  readonly kind = 'conflict';
  constructor(reportId: string) {
    super(`Report id ${reportId} is already used by a different report`, 'report.reportId', { reportId });
  }
}

export class ReportRelaysItsOwnSource extends DomainError {
  readonly code = 'REPORT_RELAYS_ITS_OWN_SOURCE';
  readonly kind = 'validation';
  constructor(sourceId: string) {
    super(`A report from ${sourceId} cannot relay ${sourceId} itself`, 'report.relaysSourceId', { sourceId });
  }
}

export class ReportPublishedInFuture extends DomainError {
  readonly code = 'REPORT_PUBLISHED_IN_FUTURE';
  readonly kind = 'validation';
  constructor(publishedAt: string, now: string) {
    super(`Report published at ${publishedAt}, after ${now}`, 'report.publishedAt', { publishedAt, now });
  }
}

/** A casualty-figure claim must say what it counts and the figure. */
export class QuantityRequired extends DomainError {
  readonly code = 'QUANTITY_REQUIRED';
  readonly kind = 'validation';
  constructor(category: string) {
    super(`A ${category} claim needs a quantity`, 'quantity', { category });
  }
}

export class ReportNotFound extends DomainError {
  readonly code = 'REPORT_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(reportId: string) {
    super(`Report ${reportId} is not on this claim`, 'reportId', { reportId });
  }
}

/** Only active reports can be retracted. */
export class ReportNotActive extends DomainError {
  readonly code = 'REPORT_NOT_ACTIVE';
  readonly kind = 'conflict';
  constructor(reportId: string) {
    super(`Report ${reportId} was already retracted`, 'reportId', { reportId });
  }
}

export class EvidenceAlreadyAttached extends DomainError {
  readonly code = 'EVIDENCE_ALREADY_ATTACHED';
  readonly kind = 'conflict';
  constructor(
    readonly existingEvidenceId: string,
    field: 'evidenceId' | 'sha256',
  ) {
    super(`Evidence ${existingEvidenceId} is already attached with different details`, field, {
      existingEvidenceId,
    });
  }
}

export class NoVerdictToWithdraw extends DomainError {
  readonly code = 'NO_ACTIVE_VERDICT';
  readonly kind = 'conflict';
  constructor(claimId: string) {
    super(`Claim ${claimId} has no verdict to withdraw`, undefined, { claimId });
  }
}

export class ClaimCannotMergeIntoItself extends DomainError {
  readonly code = 'CLAIM_MERGE_INTO_SELF';
  readonly kind = 'validation';
  constructor(claimId: string) {
    super(`Claim ${claimId} cannot be merged into itself`, 'intoClaimId', { claimId });
  }
}

/** Merging into a claim that was itself merged would build chains; merge into its survivor instead. */
export class MergeTargetMerged extends DomainError {
  readonly code = 'MERGE_TARGET_MERGED';
  readonly kind = 'conflict';
  constructor(
    intoClaimId: string,
    readonly mergedInto: string,
  ) {
    super(`Claim ${intoClaimId} was itself merged into claim ${mergedInto}`, 'intoClaimId', {
      intoClaimId,
      mergedInto,
    });
  }
}
