import { Query } from '@nestjs/cqrs';
import type { DeskPeopleResponse } from '@claims/contracts';

export class DeskPeopleQuery extends Query<DeskPeopleResponse> {
  constructor(readonly now: Date) {
    super();
  }
}
