import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { readWorkEvent, workStreamId } from '@claims/contracts';
import { ClaimNotFound } from '@claims/domain';
import { PgEventStore } from '@claims/event-store';
import { findClaimView } from '@claims/projections';
import { WorkHistoryQuery } from './work-history.query';

/**
 * The claim's work stream, event by event. Kept apart from `/claims/:id/history`, which is the claim's
 * assessment history: work events assess nothing, and every step there is a re-assessment.
 */
@QueryHandler(WorkHistoryQuery)
export class WorkHistoryHandler implements IQueryHandler<WorkHistoryQuery> {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  async execute({ claimId }: WorkHistoryQuery) {
    if (!(await findClaimView(this.pool, claimId))) throw new ClaimNotFound(claimId);
    const events = await this.store.readStream(workStreamId(claimId));
    return {
      claimId,
      items: events.map((event) => {
        const { data } = readWorkEvent(event);
        return { version: event.streamVersion, type: event.type, recordedAt: data.recordedAt, recordedBy: data.recordedBy, data: data as Record<string, unknown> };
      }),
    };
  }
}
