import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ClaimNotFound } from '@claims/domain';
import { findClaimView } from '@claims/projections';
import { GetClaimQuery } from './get-claim.query';

@QueryHandler(GetClaimQuery)
export class GetClaimHandler implements IQueryHandler<GetClaimQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ claimId }: GetClaimQuery) {
    const view = await findClaimView(this.pool, claimId);
    if (!view) throw new ClaimNotFound(claimId);
    return view;
  }
}
