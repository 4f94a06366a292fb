import { Injectable } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { readWorkEvent, workStreamId } from '@claims/contracts';
import { workDecider, type WorkClaimFacts, type WorkCommand, type WorkStreamState } from '@claims/domain';
import { afterCommit, handleCommand, PgEventStore } from '@claims/event-store';
import { findClaimView, findWorkView, inTransaction, lockClaims, projectWork, type WorkView } from '@claims/projections';
import { eventMetadataOf, type RequestContextValue } from '../http/request-context';

export interface WorkWriteResult {
  state: WorkStreamState;
  claim: WorkClaimFacts;
  /** The work row as the command left it; undefined while the claim has no work event. */
  view?: WorkView;
  version: number;
  written: boolean;
}

/**
 * Runs a work command and its projection in one transaction: what the claim's events say about it (its
 * category, its reports) is read under the claim's lock, the decider runs through `handleCommand` on the
 * claim's work stream, and the work rows are updated before the commit. It holds no rule.
 */
@Injectable()
export class WorkWriter {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
  ) {}

  write(
    claimId: string,
    context: RequestContextValue,
    buildCommand: (claim: WorkClaimFacts | null, client: PoolClient) => Promise<WorkCommand> | WorkCommand,
  ): Promise<WorkWriteResult> {
    return inTransaction(this.pool, async (client) => {
      // The same lock order as claim writers. A rebuild's final catch-up holds appends off (a SHARE lock on events), so it sees no work write in flight.
      await lockClaims(client, [claimId]);
      const claimView = await findClaimView(client, claimId);
      const claim = claimView
        ? {
            category: claimView.claim.category,
            reportIds: claimView.claim.reports.map((report) => report.reportId),
            ...(claimView.claim.mergedInto ? { mergedInto: claimView.claim.mergedInto } : {}),
          }
        : null;
      const command = await buildCommand(claim, client);
      // The decider refuses a command on a claim that does not exist; past it, `claim` is set.
      const result = await handleCommand(this.store, workStreamId(claimId), workDecider, command, {
        client,
        expectedVersion: context.ifMatch,
        readEvent: readWorkEvent,
        metadata: eventMetadataOf(context),
      });
      if (!result.appended) {
        return { state: result.newState, claim: claim!, view: await findWorkView(client, claimId), version: result.nextExpectedVersion, written: false };
      }
      const view = await projectWork(client, claimId, result.newState, {
        events: result.newEvents,
        firstVersion: result.nextExpectedVersion - result.newEvents.length + 1,
        lastVersion: result.nextExpectedVersion,
        position: result.appended.lastPosition.globalPosition,
      });
      afterCommit(() => this.store.signalAppended());
      return { state: result.newState, claim: claim!, view, version: result.nextExpectedVersion, written: true };
    });
  }
}
