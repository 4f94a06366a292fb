import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ClaimNotFound } from '@claims/domain';
import { findClaimView, findWorkView } from '@claims/projections';
import { GetWorkQuery } from './get-work.query';
import { workViewResponse } from './work-response';

@QueryHandler(GetWorkQuery)
export class GetWorkHandler implements IQueryHandler<GetWorkQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ claimId, context }: GetWorkQuery) {
    const claim = await findClaimView(this.pool, claimId);
    if (!claim) throw new ClaimNotFound(claimId);
    return workViewResponse(this.pool, claimId, claim.claim.category, await findWorkView(this.pool, claimId), context);
  }
}
