import { Query } from '@nestjs/cqrs';
import type { ClaimView, SourceView } from '@claims/projections';

export class GetSourceQuery extends Query<{ source: SourceView; claims: ClaimView[] }> {
  constructor(readonly sourceId: string) {
    super();
  }
}
