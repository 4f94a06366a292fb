import type { Queryable } from '@claims/event-store';
import { newDataKey, unwrapDataKey, wrapDataKey, type MasterKey } from '@claims/platform';

/**
 * The data keys, one per subject, in `subject_data_keys` (outside the log). Plain functions over a
 * connection so the API, the CLI's rotation and the start-up check share them.
 */
export type DataKeyLookup = { key: Buffer } | { erased: true } | undefined;

/** Makes and stores the subject's data key unless it has one; returns the key it holds. */
export const ensureSubjectKey = async (db: Queryable, master: MasterKey, subjectId: string, at: Date): Promise<Buffer> => {
  const wrapped = wrapDataKey(master.key, subjectId, newDataKey());
  await db.query(
    `INSERT INTO subject_data_keys (subject_id, wrapped_key, master_key_id, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (subject_id) DO NOTHING`,
    [subjectId, wrapped, master.id, at],
  );
  const found = await findSubjectKey(db, master, subjectId);
  if (!found || 'erased' in found) throw new SubjectErased(subjectId);
  return found.key;
};

export const findSubjectKey = async (db: Queryable, master: MasterKey, subjectId: string): Promise<DataKeyLookup> => {
  const { rows } = await db.query<{ wrapped_key: string | null; master_key_id: string | null }>(
    'SELECT wrapped_key, master_key_id FROM subject_data_keys WHERE subject_id = $1',
    [subjectId],
  );
  const [row] = rows;
  if (!row) return undefined;
  if (row.wrapped_key === null) return { erased: true };
  if (row.master_key_id !== master.id) throw new WrongMasterKey(row.master_key_id ?? 'none', master.id);
  return { key: unwrapDataKey(master.key, subjectId, row.wrapped_key) };
};

/** Crypto-shredding: the wrapped key is overwritten with NULL; the row keeps when and why. */
export const destroySubjectKey = async (db: Queryable, subjectId: string, reason: string, at: Date): Promise<void> => {
  await db.query(
    `UPDATE subject_data_keys SET wrapped_key = NULL, master_key_id = NULL, erased_at = $2, erasure_reason = $3
     WHERE subject_id = $1 AND erased_at IS NULL`,
    [subjectId, at, reason],
  );
};

/** A subject whose key is gone: nothing of it can be sealed or opened again. */
export class SubjectErased extends Error {
  override readonly name = 'SubjectErased';
  constructor(readonly subjectId: string) {
    super(`the data key of ${subjectId} was erased`);
  }
}

/** The stored keys were wrapped by another master key than the configured one (ids only, never keys). */
export class WrongMasterKey extends Error {
  override readonly name = 'WrongMasterKey';
  constructor(stored: string, configured: string) {
    super(`the data keys were wrapped by master key ${stored}, but DATA_KEY_ENCRYPTION_KEY is key ${configured}`);
  }
}

/**
 * Re-wraps every live data key from `from` to `to`, in the caller's transaction; the log is untouched.
 * Returns how many keys were re-wrapped.
 */
export const rewrapAllKeys = async (db: Queryable, from: MasterKey, to: MasterKey): Promise<number> => {
  const { rows } = await db.query<{ subject_id: string; wrapped_key: string; master_key_id: string }>(
    'SELECT subject_id, wrapped_key, master_key_id FROM subject_data_keys WHERE wrapped_key IS NOT NULL ORDER BY subject_id FOR UPDATE',
  );
  let count = 0;
  for (const row of rows) {
    if (row.master_key_id === to.id) continue;
    if (row.master_key_id !== from.id) throw new WrongMasterKey(row.master_key_id, from.id);
    const key = unwrapDataKey(from.key, row.subject_id, row.wrapped_key);
    await db.query('UPDATE subject_data_keys SET wrapped_key = $2, master_key_id = $3 WHERE subject_id = $1', [row.subject_id, wrapDataKey(to.key, row.subject_id, key), to.id]);
    count += 1;
  }
  return count;
};

/**
 * The start-up check: with live data keys stored, the master key must be configured and be the one that
 * wrapped them (one key is unwrapped to prove it). Returns a problem sentence, or undefined when fine.
 */
export const masterKeyProblem = async (db: Queryable, master: MasterKey | undefined): Promise<string | undefined> => {
  const { rows } = await db.query<{ subject_id: string; wrapped_key: string; master_key_id: string }>(
    'SELECT subject_id, wrapped_key, master_key_id FROM subject_data_keys WHERE wrapped_key IS NOT NULL ORDER BY created_at LIMIT 1',
  );
  const [row] = rows;
  if (!row) return undefined;
  if (!master) return 'confidential sources are stored but DATA_KEY_ENCRYPTION_KEY is not set (docs/protection.md)';
  if (row.master_key_id !== master.id) return `DATA_KEY_ENCRYPTION_KEY is not the master key the data keys were wrapped with (key ${row.master_key_id}, configured ${master.id})`;
  // Every live key, not only the oldest: a process still on the old key after a rotation wraps new keys with it.
  const { rows: others } = await db.query<{ master_key_id: string; n: string }>(
    'SELECT master_key_id, count(*) AS n FROM subject_data_keys WHERE wrapped_key IS NOT NULL AND master_key_id <> $1 GROUP BY master_key_id ORDER BY master_key_id LIMIT 1',
    [master.id],
  );
  const [other] = others;
  if (other) {
    const n = Number(other.n);
    return `${n} data key${n === 1 ? ' is' : 's are'} wrapped by master key ${other.master_key_id}, not by DATA_KEY_ENCRYPTION_KEY (key ${master.id}): run the rotation again (docs/protection.md)`;
  }
  try {
    unwrapDataKey(master.key, row.subject_id, row.wrapped_key);
    return undefined;
  } catch {
    return 'DATA_KEY_ENCRYPTION_KEY does not unwrap the stored data keys';
  }
};
