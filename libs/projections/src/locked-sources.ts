import { sourceCatalogueOf, type SourceCatalogue } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import type { SourceView } from './source-view/source-view.projection';
import { sourceSnapshotOf, sourceViewOfRow, type SourceViewRow } from './source-view/source-view.repository';

const LOCK_CLAIM_SOURCES_SQL = 'SELECT * FROM claim_ledger_lock_claim_sources($1::text[], $2::text[], $3::text)';

/**
 * The source rows one claim transaction reads, each locked (shared) and read once, so the decider's
 * inputs, the confidentiality check and the projection's catalogue are the same snapshots and cost one
 * round trip. A shared lock keeps a source writer from committing until the transaction ends, so a row
 * read here stays current for the rest of it. The locks follow the order in `transaction.ts`: `begin`
 * takes the claims' locks before any source's, and later reads add sources only (ascending within a call).
 */
export class LockedSources {
  /** Every source locked so far: its row, or null when it is not registered. */
  private readonly rows = new Map<string, SourceView | null>();

  private constructor(private readonly db: Queryable) {}

  /**
   * Locks the claims (ascending id order), then, shared, `sourceIds` and every source already linked to
   * `linkedTo` (the claim being written, whose projection reads them), and reads those sources: one round trip.
   */
  static async begin(db: Queryable, claimIds: readonly string[], sourceIds: Iterable<string | undefined>, linkedTo?: string): Promise<LockedSources> {
    const locked = new LockedSources(db);
    await locked.lockAndRead(claimIds, [...sourceIds].filter((id): id is string => id !== undefined), linkedTo ?? null);
    return locked;
  }

  /** These sources' current rows (absent: not registered), locking and reading the ones not read yet. */
  async views(sourceIds: Iterable<string | undefined>): Promise<Map<string, SourceView>> {
    const ids = [...new Set(sourceIds)].filter((id): id is string => id !== undefined);
    const missing = ids.filter((id) => !this.rows.has(id));
    if (missing.length > 0) await this.lockAndRead([], missing, null);
    const found = new Map<string, SourceView>();
    for (const id of ids) {
      const view = this.rows.get(id);
      if (view) found.set(id, view);
    }
    return found;
  }

  /** The assessment's catalogue of these sources. */
  async catalogue(sourceIds: Iterable<string | undefined>): Promise<SourceCatalogue> {
    return sourceCatalogueOf([...(await this.views(sourceIds)).values()].map(sourceSnapshotOf));
  }

  /** Ids whose locks this transaction holds. */
  get lockedIds(): ReadonlySet<string> {
    return new Set(this.rows.keys());
  }

  private async lockAndRead(claimIds: readonly string[], sourceIds: readonly string[], linkedTo: string | null): Promise<void> {
    const { rows } = await this.db.query<SourceViewRow>({ name: 'claim_ledger_lock_claim_sources', text: LOCK_CLAIM_SOURCES_SQL, values: [claimIds, sourceIds, linkedTo] });
    for (const id of sourceIds) this.rows.set(id, null);
    for (const row of rows) this.rows.set(row.source_id, sourceViewOfRow(row));
  }
}
