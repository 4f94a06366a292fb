import type { RegisteredSource } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import type { ProjectionPoint } from '../projection-point';
import { sourceViewOf, type SourceView } from './source-view.projection';
import { saveSourceView } from './source-view.repository';

/**
 * Brings a source's row up to date. Run it in the transaction that appended the source's events, holding
 * the source's lock exclusively; once it commits, re-assess the claims the source is on with
 * `reassessClaimsOfSource` (a re-grade or a new affiliation changes their confidence without touching
 * their streams), each batch in a transaction of its own.
 */
export const projectSource = async (db: Queryable, source: RegisteredSource, at: ProjectionPoint): Promise<SourceView> => {
  const view = sourceViewOf(source, at);
  await saveSourceView(db, view);
  return view;
};
