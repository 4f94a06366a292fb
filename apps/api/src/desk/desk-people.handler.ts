import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { assignablePeople } from './desk-people';
import { DeskPeopleQuery } from './desk-people.query';

@QueryHandler(DeskPeopleQuery)
export class DeskPeopleHandler implements IQueryHandler<DeskPeopleQuery> {
  constructor(private readonly pool: Pool) {}

  async execute({ now }: DeskPeopleQuery) {
    return { items: await assignablePeople(this.pool, now) };
  }
}
