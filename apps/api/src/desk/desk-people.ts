import type { ApiKeyRole } from '@claims/contracts';
import { roleHasPermission, type AssigneeStanding } from '@claims/domain';
import type { Queryable } from '@claims/event-store';

/** Roles that can be given claims to work on: those that can move a claim's work along. */
export const canWork = (role: ApiKeyRole): boolean => roleHasPermission(role, 'work:progress');

interface KeyRow {
  key_id: string;
  name: string;
  role: ApiKeyRole;
  expires_at: Date | null;
  revoked_at: Date | null;
}

// Only what the desk shows of a key: never its secret's hash (that lives in api_key_secrets, not read here).
const KEY_COLUMNS = 'key_id::text AS key_id, name, role, expires_at, revoked_at';

/** Whether a key can be assigned a claim at `now`, as the assign command needs to know. */
export const assigneeStanding = async (db: Queryable, keyId: string, now: Date): Promise<AssigneeStanding> => {
  const { rows } = await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_id::text = $1`, [keyId]);
  const key = rows[0];
  if (!key) return 'unknown';
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && key.expires_at.getTime() <= now.getTime()) return 'expired';
  return canWork(key.role) ? 'assignable' : 'cannot_work';
};

/** The active keys that can be assigned claims, by name. */
export const assignablePeople = async (db: Queryable, now: Date): Promise<Array<{ keyId: string; name: string; role: ApiKeyRole }>> => {
  const { rows } = await db.query<KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) ORDER BY name, key_id`,
    [now],
  );
  return rows.filter((row) => canWork(row.role)).map((row) => ({ keyId: row.key_id, name: row.name, role: row.role }));
};

/** Names of keys by id (a key that no longer exists here has none). */
export const keyNames = async (db: Queryable, keyIds: Iterable<string>): Promise<Map<string, string>> => {
  const ids = [...new Set(keyIds)];
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ key_id: string; name: string }>(`SELECT key_id::text AS key_id, name FROM api_keys WHERE key_id::text = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.key_id, row.name]));
};
