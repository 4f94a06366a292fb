import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { SourceNotFound } from '@claims/domain';
import { claimViewsOfSource, findSourceView } from '@claims/projections';
import { GetSourceQuery } from './get-source.query';

@QueryHandler(GetSourceQuery)
export class GetSourceHandler implements IQueryHandler<GetSourceQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ sourceId }: GetSourceQuery) {
    const source = await findSourceView(this.pool, sourceId);
    if (!source) throw new SourceNotFound(sourceId);
    return { source, claims: await claimViewsOfSource(this.pool, sourceId) };
  }
}
