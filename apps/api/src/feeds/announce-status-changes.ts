import { afterCommit, type HandleCommandResult, type Queryable } from '@claims/event-store';
import { enqueueStatusChange } from '@claims/feed';
import { ambientMetrics } from '@claims/platform';
import type { ClaimViewChange } from '@claims/projections';

/**
 * Puts a status-change message in the outbox for every claim whose published status, rating or band the
 * command moved, in the command's transaction (so the message exists exactly when the change does). The
 * cause is the command's last event: the claim's own, or a source's when a re-grade re-assessed the claim.
 */
export const announceStatusChanges = async (
  client: Queryable,
  changes: readonly ClaimViewChange[],
  command: Pick<HandleCommandResult<unknown, unknown>, 'streamId' | 'appended' | 'appendedEvents' | 'nextExpectedVersion'>,
): Promise<void> => {
  const appended = command.appended;
  const cause = command.appendedEvents.at(-1);
  if (!appended || !cause) return;
  const metrics = ambientMetrics();
  for (const change of changes) {
    const message = await enqueueStatusChange(client, {
      claimId: change.claimId,
      before: change.previous,
      after: change.current,
      cause: {
        eventId: cause.eventId,
        eventType: cause.type,
        streamId: command.streamId,
        streamVersion: command.nextExpectedVersion,
        position: appended.lastPosition,
        recordedAt: appended.recordedAt,
      },
    });
    // Counted once the change is committed (`claim_ledger_status_changes_total`), never for a rolled-back one.
    if (message && metrics) afterCommit(() => metrics.statusChanges.inc({ status: message.current.status }));
  }
};
