import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Pool } from 'pg';
import { readSourceEvent } from '@claims/contracts';
import { sourceDecider, SourceNotFound, type SourceCommand } from '@claims/domain';
import { afterCommit, ambientClient, handleCommand, PgEventStore } from '@claims/event-store';
import {
  findSourceView,
  inTransaction,
  sourcesWithClaimsBehind,
  lockSources,
  projectSource,
  reassessClaimsOfSource,
  sourceStreamId,
  type ClaimViewChange,
  type SourceView,
} from '@claims/projections';
import { announceStatusChanges } from '../feeds/announce-status-changes';
import { eventMetadataOf, type RequestContextValue } from '../http/request-context';

export interface SourceWriteResult {
  view: SourceView;
  /** Claims re-assessed because the source changed (empty when nothing changed, or when deferred: see below). */
  reassessed: ClaimViewChange[];
}

/**
 * Runs a source command and updates the source's row in one short transaction holding that source's lock
 * alone (exclusive), then re-assesses every claim the source is on, in batches of their own transactions
 * (`reassessClaimsOfSource`). Nothing global is locked: writers of other claims never wait. A claim writer
 * reading this source holds its lock shared, so it either commits before the source's event (and the
 * re-assessment, which runs after, redoes its row) or waits and reads the new snapshot: every claim of
 * the source converges on the new grade.
 *
 * Inside a unit of work (a keyed request) the source's event is not committed until the unit is, and the
 * batches could not see it: the re-assessment then runs once the unit commits, after the answer.
 */
@Injectable()
export class SourceWriter implements OnApplicationBootstrap {
  private readonly logger = new Logger(SourceWriter.name);

  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  /** At start, in the background: finishes what a crash (or a failed deferred re-assessment) left behind. */
  onApplicationBootstrap(): void {
    this.finishLeftBehind().catch((error: unknown) =>
      this.logger.error(`finishing re-assessments left behind failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * Re-assesses the claims whose rows stand before their source's last event (a re-assessment cut off), each
   * source's status changes caused by that event, as the interrupted run would have. Every API process may
   * run it at once: each batch re-reads what is behind under its claim locks. Returns the claims re-assessed.
   */
  async finishLeftBehind(): Promise<number> {
    let reassessed = 0;
    for (const sourceId of await sourcesWithClaimsBehind(this.pool)) {
      const view = await findSourceView(this.pool, sourceId);
      const [last] = await this.store.readStream(sourceStreamId(sourceId), { direction: 'backward', limit: 1 });
      if (!view || !last) continue;
      const lastPosition = { transactionId: last.transactionId, globalPosition: last.globalPosition };
      const cause = {
        streamId: last.streamId,
        appendedEvents: [last],
        nextExpectedVersion: last.streamVersion,
        appended: { nextExpectedVersion: last.streamVersion, positions: [last.globalPosition], lastPosition, written: true, recordedAt: last.recordedAt },
      };
      const changes = await reassessClaimsOfSource(
        this.pool,
        sourceId,
        { position: view.position, updatedAt: view.updatedAt },
        { announce: (client, batch) => announceStatusChanges(client, batch, cause) },
      );
      reassessed += changes.length;
    }
    return reassessed;
  }

  async write(sourceId: string, context: RequestContextValue, command: SourceCommand): Promise<SourceWriteResult> {
    const written = await inTransaction(this.pool, async (client) => {
      await lockSources(client, [sourceId], 'exclusive');
      const result = await handleCommand(this.store, sourceStreamId(sourceId), sourceDecider, command, {
        client,
        expectedVersion: context.ifMatch,
        readEvent: readSourceEvent,
        metadata: eventMetadataOf(context),
      });
      if (result.newState.status !== 'registered') throw new SourceNotFound(sourceId);
      const unchanged = result.appended ? undefined : await findSourceView(client, sourceId);
      if (unchanged) return { view: unchanged };
      const view = await projectSource(client, result.newState, {
        version: result.nextExpectedVersion,
        position: result.appended?.lastPosition.globalPosition ?? 0,
        updatedAt: context.now.toISOString(),
      });
      // Appended inside our transaction: wake the log's subscribers once it (or the request's unit of work) commits.
      afterCommit(() => this.store.signalAppended());
      return { view, result };
    });
    const { view, result } = written;
    if (!result) return { view, reassessed: [] };
    const reassess = () =>
      reassessClaimsOfSource(
        this.pool,
        sourceId,
        { position: view.position, updatedAt: view.updatedAt },
        { announce: (client, changes) => announceStatusChanges(client, changes, result) },
      );
    if (ambientClient(this.pool)) {
      afterCommit(() => {
        reassess().catch((error: unknown) =>
          // Left behind the source's event: the next re-assessment of this source finishes it: what is left behind the event is exactly what it redoes.
          this.logger.error(`re-assessing the claims of source ${sourceId} failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
      return { view, reassessed: [] };
    }
    return { view, reassessed: await reassess() };
  }
}
