import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { readClaimEvent } from '@claims/contracts';
import {
  claimDecider,
  ClaimNotFound,
  type ClaimCommand,
  type ClaimState,
  type CommandMetadata,
  type OnRecordClaim,
  type SourceCatalogue,
} from '@claims/domain';
import { afterCommit, handleCommand, PgEventStore } from '@claims/event-store';
import {
  claimStreamId,
  findClaimView,
  inTransaction,
  loadClaimState,
  ClaimWriteStart,
  projectClaim,
  type SourceView,
  type ClaimView,
  type ClaimViewChange,
} from '@claims/projections';
import { announceStatusChanges } from '../feeds/announce-status-changes';
import { eventMetadataOf, type RequestContextValue } from '../http/request-context';

/** Reads a command may need besides the claim's own stream, inside the command's transaction. */
export interface ClaimCommandInputs {
  /** Current snapshots of these sources (absent: not registered). */
  sources(sourceIds: Iterable<string | undefined>): Promise<SourceCatalogue>;
  /** One source's current row (undefined: not registered), as `sources` read it. */
  sourceView(sourceId: string): Promise<SourceView | undefined>;
  /** Another claim's folded state; lock it by passing its id in `alsoLock`. */
  claimState(claimId: string): Promise<ClaimState>;
}

export interface ClaimWriteResult {
  /** The claim's row as this command left it: the response reflects the write (read-your-writes). */
  view: ClaimView;
  state: OnRecordClaim;
  /** Undefined when the command changed nothing (an identical retry). */
  change?: ClaimViewChange;
}

export const domainMetadataOf = (context: RequestContextValue): CommandMetadata => ({
  now: context.now.toISOString(),
  actor: context.actor.id,
});

/**
 * Runs a claim command and its projection in one transaction, so that once the request answers, every
 * read sees both the events and the updated row. It holds no rule: it builds the command's inputs, runs
 * the decider through `handleCommand`, and re-projects the claim.
 */
@Injectable()
export class ClaimWriter {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  write(
    claimId: string,
    context: RequestContextValue,
    buildCommand: (inputs: ClaimCommandInputs) => Promise<ClaimCommand> | ClaimCommand,
    options: {
      /** Other claims to lock (and read with `claimState`). */
      alsoLock?: string[];
      /** Sources the command will read, locked and read up front with the claim's own. */
      sources?: Array<string | undefined>;
    } = {},
  ): Promise<ClaimWriteResult> {
    return inTransaction(this.pool, async (client) => {
      // No global lock: the claims' locks, then (shared) the sources this command reads and the claim's
      // own, read with them and the claim's stream in one round trip (`ClaimWriteStart`).
      const streamId = claimStreamId(claimId);
      const start = await ClaimWriteStart.begin(client, { claimId, streamId, alsoLock: options.alsoLock }, options.sources ?? []);
      const command = await buildCommand({
        sources: (sourceIds) => start.catalogue(sourceIds),
        sourceView: async (sourceId) => (await start.views([sourceId])).get(sourceId),
        claimState: async (otherClaimId) => (await loadClaimState(this.store, client, otherClaimId)).state,
      });
      const result = await handleCommand(this.store, streamId, claimDecider, command, {
        client,
        recorded: start.events,
        expectedVersion: context.ifMatch,
        readEvent: readClaimEvent,
        metadata: eventMetadataOf(context),
      });
      const state = result.newState;
      if (state.status === 'none') throw new ClaimNotFound(claimId);
      const unchanged = result.appended ? undefined : await findClaimView(client, claimId);
      if (unchanged) return { view: unchanged, state };
      const change = await projectClaim(client, state, {
        version: result.nextExpectedVersion,
        position: result.appended?.lastPosition.globalPosition ?? 0,
        updatedAt: context.now.toISOString(),
      }, start);
      await announceStatusChanges(client, [change], result);
      // Appended inside our transaction: wake the log's subscribers once it (or the request's unit of work) commits.
      afterCommit(() => this.store.signalAppended());
      return { view: change.view, state, change };
    });
  }
}
