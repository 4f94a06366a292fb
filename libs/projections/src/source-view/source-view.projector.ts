import type { RegisteredSource } from '@claims/domain';
import type { PgEventStore, Queryable } from '@claims/event-store';
import { reassessClaimsOfSource } from '../claim-view/claim-view.projector';
import type { ClaimViewChange } from '../claim-view/claim-view.projection';
import type { ProjectionPoint } from '../projection-point';
import { sourceViewOf, type SourceView } from './source-view.projection';
import { saveSourceView } from './source-view.repository';

/**
 * Brings a source's row up to date, then re-assesses every claim it reported on: a re-grade or a new
 * affiliation changes their confidence without touching their streams. Run it in the transaction that
 * appended the source's events, holding the catalogue lock exclusively.
 */
export const projectSource = async (
  store: PgEventStore,
  db: Queryable,
  source: RegisteredSource,
  at: ProjectionPoint,
): Promise<{ view: SourceView; reassessed: ClaimViewChange[] }> => {
  const view = sourceViewOf(source, at);
  await saveSourceView(db, view);
  const reassessed = await reassessClaimsOfSource(store, db, source.sourceId, { position: at.position, updatedAt: at.updatedAt });
  return { view, reassessed };
};
