import type { AccessLogQuery, AccessLogResponse } from '@claims/contracts';
import type { Queryable } from '@claims/event-store';

export interface ConfidentialAccess {
  at: Date;
  keyId: string;
  keyName?: string;
  sourceId: string;
  route: string;
}

/** One row per answer that held a decrypted identity. */
export const recordConfidentialAccess = async (db: Queryable, access: ConfidentialAccess): Promise<void> => {
  await db.query('INSERT INTO confidential_access_log (at, key_id, key_name, source_id, route) VALUES ($1, $2, $3, $4, $5)', [
    access.at,
    access.keyId,
    access.keyName ?? null,
    access.sourceId,
    access.route,
  ]);
};

export const listConfidentialAccess = async (db: Queryable, query: AccessLogQuery): Promise<AccessLogResponse> => {
  const { rows } = await db.query<{ at: Date; key_id: string; key_name: string | null; source_id: string; route: string }>(
    `SELECT at, key_id, key_name, source_id, route FROM confidential_access_log
     WHERE ($1::text IS NULL OR source_id = $1) ORDER BY at DESC, id DESC LIMIT $2`,
    [query.source ?? null, query.limit],
  );
  return { entries: rows.map((row) => ({ at: row.at.toISOString(), keyId: row.key_id, keyName: row.key_name, sourceId: row.source_id, route: row.route })) };
};
