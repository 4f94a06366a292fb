import type { Pool, PoolClient } from 'pg';
import type { ApiKeyResponse, ApiKeyRole, ApiKeyStatus } from '@claims/contracts';
import type { IssuedApiKey } from '@claims/domain';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** A row of `api_keys`, the inline projection of the key streams, with the key's hash from `api_key_secrets`. */
export interface ApiKeyRecord {
  keyId: string;
  version: number;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  /** Null for a key whose hash this database does not hold (one imported from another system's log). */
  secretHash: string | null;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface ApiKeyRow {
  key_id: string;
  version: number;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  secret_hash: string | null;
  created_at: Date;
  created_by: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'k.key_id, k.version, k.name, k.role, k.prefix, s.secret_hash, k.created_at, k.created_by, k.expires_at, k.revoked_at, k.last_used_at';
const FROM = 'api_keys k LEFT JOIN api_key_secrets s ON s.key_id = k.key_id';

const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({
  keyId: row.key_id,
  version: row.version,
  name: row.name,
  role: row.role,
  prefix: row.prefix,
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

/** Writes the key's row as its stream now stands; `last_used_at` is left alone. */
export const projectApiKey = async (client: Queryable, state: IssuedApiKey, version: number): Promise<ApiKeyRecord> => {
  await client.query(
    `INSERT INTO api_keys (key_id, version, name, role, prefix, created_at, created_by, expires_at, revoked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (key_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, role = EXCLUDED.role, prefix = EXCLUDED.prefix,
       expires_at = EXCLUDED.expires_at, revoked_at = EXCLUDED.revoked_at`,
    [state.keyId, version, state.name, state.role, state.prefix, state.createdAt, state.createdBy, state.expiresAt ?? null, state.revokedAt ?? null],
  );
  return (await findApiKey(client, state.keyId))!;
};

/**
 * Records the hash of a new key's secret, in the transaction that issues the key. False when the key
 * already has a different one: the same key id cannot be issued twice with two secrets.
 */
export const storeApiKeySecretHash = async (client: Queryable, keyId: string, secretHash: string): Promise<boolean> => {
  const { rows } = await client.query<{ secret_hash: string }>(
    `INSERT INTO api_key_secrets (key_id, secret_hash) VALUES ($1, $2)
     ON CONFLICT (key_id) DO UPDATE SET secret_hash = api_key_secrets.secret_hash
     RETURNING secret_hash`,
    [keyId, secretHash],
  );
  return rows[0].secret_hash === secretHash;
};

export const findApiKey = async (client: Queryable, keyId: string): Promise<ApiKeyRecord | undefined> => {
  const { rows } = await client.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.key_id = $1`, [keyId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
};

export const listApiKeys = async (client: Queryable): Promise<ApiKeyRecord[]> => {
  const { rows } = await client.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM ${FROM} ORDER BY k.created_at, k.key_id`);
  return rows.map(toRecord);
};

export const apiKeyStatus = (record: ApiKeyRecord, now: Date): ApiKeyStatus =>
  record.revokedAt ? 'revoked' : record.expiresAt && record.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';

/** A key as listings show it: never the secret, nor its hash. */
export const toApiKeyResponse = (record: ApiKeyRecord, now: Date): ApiKeyResponse => ({
  id: record.keyId,
  name: record.name,
  role: record.role,
  prefix: record.prefix,
  status: apiKeyStatus(record, now),
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  expiresAt: record.expiresAt?.toISOString() ?? null,
  revokedAt: record.revokedAt?.toISOString() ?? null,
  lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
});
