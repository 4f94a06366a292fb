import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { readSourceEvent } from '@claims/contracts';
import { sourceDecider, SourceNotFound, type SourceCommand } from '@claims/domain';
import { afterCommit, handleCommand, PgEventStore } from '@claims/event-store';
import {
  findSourceView,
  inTransaction,
  lockSourceCatalogue,
  projectSource,
  sourceStreamId,
  type ClaimViewChange,
  type SourceView,
} from '@claims/projections';
import { announceStatusChanges } from '../feeds/announce-status-changes';
import { eventMetadataOf, type RequestContextValue } from '../http/request-context';

export interface SourceWriteResult {
  view: SourceView;
  /** Claims re-assessed because the source changed (empty when nothing changed). */
  reassessed: ClaimViewChange[];
}

/**
 * Runs a source command, updates the source's row and re-assesses every claim it reported on, in one
 * transaction holding the catalogue lock alone: claim writers wait, so none assesses against the old grade
 * after this commits, and none adds a report from this source unseen by the re-assessment.
 */
@Injectable()
export class SourceWriter {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  write(sourceId: string, context: RequestContextValue, command: SourceCommand): Promise<SourceWriteResult> {
    return inTransaction(this.pool, async (client) => {
      await lockSourceCatalogue(client, 'exclusive');
      const result = await handleCommand(this.store, sourceStreamId(sourceId), sourceDecider, command, {
        client,
        expectedVersion: context.ifMatch,
        readEvent: readSourceEvent,
        metadata: eventMetadataOf(context),
      });
      if (result.newState.status !== 'registered') throw new SourceNotFound(sourceId);
      const unchanged = result.appended ? undefined : await findSourceView(client, sourceId);
      if (unchanged) return { view: unchanged, reassessed: [] };
      const projected = await projectSource(this.store, client, result.newState, {
        version: result.nextExpectedVersion,
        position: result.appended?.lastPosition.globalPosition ?? 0,
        updatedAt: context.now.toISOString(),
      });
      await announceStatusChanges(client, projected.reassessed, result);
      // Appended inside our transaction: wake the log's subscribers once it (or the request's unit of work) commits.
      afterCommit(() => this.store.signalAppended());
      return projected;
    });
  }
}
