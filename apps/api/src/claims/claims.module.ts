import { Module } from '@nestjs/common';
import { AddReportHandler } from './add-report.handler';
import { AmendStatementHandler } from './amend-statement.handler';
import { AttachEvidenceHandler } from './attach-evidence.handler';
import { ClaimWriter } from './claim-writer.service';
import { ClaimsController } from './claims.controller';
import { GetClaimHandler } from './get-claim.handler';
import { IssueVerdictHandler } from './issue-verdict.handler';
import { ListClaimsHandler } from './list-claims.handler';
import { MergeClaimHandler } from './merge-claim.handler';
import { OpenClaimHandler } from './open-claim.handler';
import { RecomputeClaimHandler } from './recompute-claim.handler';
import { RetractReportHandler } from './retract-report.handler';
import { WithdrawVerdictHandler } from './withdraw-verdict.handler';

/** Claim commands and queries over HTTP; every command updates the claim's read model in its own transaction. */
@Module({
  controllers: [ClaimsController],
  providers: [
    ClaimWriter,
    OpenClaimHandler,
    AddReportHandler,
    RetractReportHandler,
    AttachEvidenceHandler,
    IssueVerdictHandler,
    WithdrawVerdictHandler,
    MergeClaimHandler,
    AmendStatementHandler,
    GetClaimHandler,
    ListClaimsHandler,
    RecomputeClaimHandler,
  ],
})
export class ClaimsModule {}
