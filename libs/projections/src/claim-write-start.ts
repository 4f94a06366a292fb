import { sourceCatalogueOf, type SourceCatalogue } from '@claims/domain';
import { type EventRow, type Queryable, recordedEventOfRow, type RecordedEvent } from '@claims/event-store';
import type { SourceView } from './source-view/source-view.projection';
import { sourceSnapshotOf, sourceViewOfRow, type SourceViewRow } from './source-view/source-view.repository';

const START_CLAIM_WRITE_SQL = 'SELECT * FROM claim_ledger_start_claim_write($1::text[], $2::text[], $3::text)';

/** A row of `claim_ledger_start_claim_write`: the sources (first row only), or one event of the stream. */
type StartRow = { sources: SourceJson[] | null } & ({ stream_id: null } | EventRow);

/** A `source_view` row as `to_jsonb` writes it: timestamps as text, bigints as numbers. */
type SourceJson = Omit<SourceViewRow, 'registered_at' | 'updated_at' | 'position'> & { registered_at: string; updated_at: string; position: number | string };

/** One call of the function: locks and reads, see the migration that defines it. No claims and no stream: sources only. */
const startClaimWrite = async (db: Queryable, claimIds: readonly string[], sourceIds: readonly string[], streamId: string | null): Promise<StartRow[]> =>
  (await db.query<StartRow>({ name: 'claim_ledger_start_claim_write', text: START_CLAIM_WRITE_SQL, values: [claimIds, sourceIds, streamId] })).rows;

const sourceViewOfJson = (json: SourceJson): SourceView =>
  sourceViewOfRow({ ...json, position: String(json.position), registered_at: new Date(json.registered_at), updated_at: new Date(json.updated_at) });

/**
 * What a claim transaction reads before it decides, in one round trip: the claims' locks, the sources it
 * needs (locked shared, read once) and the claim's stream. The decider's inputs, the confidentiality check
 * and the projection's catalogue then use the same source snapshots. A shared lock keeps a source writer
 * from committing until the transaction ends, so a row read here stays current for the rest of it. The
 * locks follow the order in `transaction.ts`: the claims' before any source's, and later reads add
 * sources only (ascending within a call).
 */
export class ClaimWriteStart {
  /** Every source locked so far: its row, or null when it is not registered. */
  private readonly rows = new Map<string, SourceView | null>();

  private constructor(
    private readonly db: Queryable,
    /** The claim stream's events, read under the claims' locks. */
    readonly events: readonly RecordedEvent[],
  ) {}

  /**
   * Locks the claims (ascending id order), then, shared, `sourceIds` and every source the events of the
   * claim's stream `streamId` name (its projection reads them), and reads those sources and that stream.
   */
  static async begin(db: Queryable, claim: { claimId: string; streamId: string; alsoLock?: readonly string[] }, sourceIds: Iterable<string | undefined>): Promise<ClaimWriteStart> {
    const wanted = [...sourceIds].filter((id): id is string => id !== undefined);
    const rows = await startClaimWrite(db, [claim.claimId, ...(claim.alsoLock ?? [])], wanted, claim.streamId);
    const events = rows.filter((row): row is StartRow & EventRow => row.stream_id !== null).map(recordedEventOfRow);
    const start = new ClaimWriteStart(db, events);
    start.remember(wanted, rows);
    return start;
  }

  /** These sources' current rows (absent: not registered), locking and reading the ones not read yet. */
  async views(sourceIds: Iterable<string | undefined>): Promise<Map<string, SourceView>> {
    const ids = [...new Set(sourceIds)].filter((id): id is string => id !== undefined);
    const missing = ids.filter((id) => !this.rows.has(id));
    if (missing.length > 0) this.remember(missing, await startClaimWrite(this.db, [], missing, null));
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

  /** Records the sources a call returned (its first row), and the asked ones it did not return as unregistered. */
  private remember(asked: readonly string[], rows: readonly StartRow[]): void {
    for (const id of asked) this.rows.set(id, null);
    for (const view of (rows[0]?.sources ?? []).map(sourceViewOfJson)) this.rows.set(view.sourceId, view);
  }
}
