import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { SourceNotFound } from '@claims/domain';
import { ambientClient } from '@claims/event-store';
import { claimViewsOfSource, findSourceView } from '@claims/projections';
import { GetSourceQuery } from './get-source.query';

@QueryHandler(GetSourceQuery)
export class GetSourceHandler implements IQueryHandler<GetSourceQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ sourceId }: GetSourceQuery) {
    // A write's answer is read here too: inside the request's unit of work, through it, to see the write.
    const db = ambientClient(this.pool) ?? this.pool;
    const source = await findSourceView(db, sourceId);
    if (!source) throw new SourceNotFound(sourceId);
    return { source, claims: await claimViewsOfSource(db, sourceId) };
  }
}
