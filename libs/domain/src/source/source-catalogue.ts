import type { SourceKind, SourceReliability } from '@claims/contracts';

/** What claim rules and the assessment need to know about a source, as of now. */
export interface SourceSnapshot {
  sourceId: string;
  name: string;
  kind: SourceKind;
  affiliation?: string;
  originGroup?: string;
  reliability: SourceReliability;
}

/**
 * Read access to current source snapshots. A `Map<string, SourceSnapshot>` satisfies it, and so can a
 * read model; it is passed in explicitly so that re-grading a source re-assesses claims without touching
 * their streams.
 */
export interface SourceCatalogue {
  get(sourceId: string): SourceSnapshot | undefined;
}

/** Builds an in-memory catalogue from snapshots (later snapshots of the same id win). */
export const sourceCatalogueOf = (snapshots: Iterable<SourceSnapshot>): SourceCatalogue =>
  new Map([...snapshots].map((snapshot) => [snapshot.sourceId, snapshot]));
