import type { Pool } from 'pg';
import type { PgEventStore } from '@claims/event-store';
import { inTransaction } from '@claims/projections';
import { ApiKeyRegistry } from './api-key.registry';

/** Recorded as the author of the key the first start creates. */
export const FIRST_START_ACTOR = { id: 'system:first-start', name: 'first start' };

/**
 * Creates an admin key when no key was ever issued (revoked ones count), and returns its secret for the
 * start banner; afterwards, undefined forever. Instances starting together serialise on an advisory lock,
 * so exactly one creates it.
 */
export const createFirstAdminKey = async (pool: Pool, store: PgEventStore, now: Date): Promise<{ keyId: string; secret: string } | undefined> => {
  const registry = new ApiKeyRegistry(pool, store);
  // The registry wakes the log's subscribers once this transaction commits.
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['claim-ledger:first-admin-key']);
    const { rows } = await client.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM api_keys) AS exists');
    if (rows[0].exists) return undefined;
    const { record, secret } = await registry.issue({ name: 'first admin', role: 'admin' }, { now, metadata: { actor: FIRST_START_ACTOR }, client });
    return { keyId: record.keyId, secret };
  });
};
