import type { Verdict } from '@claims/contracts';
import type { OnRecordClaim, SourceCatalogue } from '@claims/domain';
import type { Queryable } from '@claims/event-store';
import { findClaimView, loadSourceCatalogue } from '@claims/projections';

export interface ClaimWithSources {
  claim: OnRecordClaim;
  sources: SourceCatalogue;
}

/** A claim of the read model and the sources its reports name; undefined when the claim does not exist. */
export const readClaimWithSources = async (db: Queryable, claimId: string): Promise<ClaimWithSources | undefined> => {
  const view = await findClaimView(db, claimId);
  if (!view) return undefined;
  return { claim: view.claim, sources: await loadSourceCatalogue(db, view.claim.reports.map((report) => report.sourceId)) };
};

const PAGE_SIZE = 500;

/**
 * Every claim with a verdict (or with `verdict`), in claim id order, with their sources: keyset pages of
 * `claim_view` (its `verdict` column is the current verdict, null once withdrawn), so memory stays bounded.
 */
export async function* readVerdictClaims(db: Queryable, verdict?: Verdict, pageSize = PAGE_SIZE): AsyncGenerator<ClaimWithSources> {
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ claim_id: string; claim: OnRecordClaim }>(
      `SELECT claim_id, claim FROM claim_view
        WHERE verdict IS NOT NULL AND ($1::text IS NULL OR verdict = $1) AND claim_id > $2
        ORDER BY claim_id LIMIT $3`,
      [verdict ?? null, after, pageSize],
    );
    if (rows.length === 0) return;
    const sources = await loadSourceCatalogue(db, rows.flatMap((row) => row.claim.reports.map((report) => report.sourceId)));
    for (const row of rows) yield { claim: row.claim, sources };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].claim_id;
  }
}
