import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { createOwnerOnlyFileOnce, readOwnerOnlyFile } from '../owner-only-file';
import { StartupProblem } from '../startup-problem';
import { DATA_KEY_BYTES } from './field-cipher';

/** The embedded default's master key file, in its data folder: created on the first start, owner-only. */
export const EMBEDDED_MASTER_KEY_FILE = 'data-key-encryption.key';

/** The key that wraps every subject's data key. `id` names it in `subject_data_keys` without revealing it. */
export interface MasterKey {
  readonly key: Buffer;
  readonly id: string;
  /** Where it came from, for the startup log: never the key itself. */
  readonly source: string;
}

/** A fresh master key, base64 (what `npm run cli -- protection keygen` prints). */
export const generateMasterKey = (): string => randomBytes(DATA_KEY_BYTES).toString('base64');

/** A key id: the first 8 bytes of SHA-256 over a label and the key; says which key, not what it is. */
export const masterKeyIdOf = (key: Buffer): string => createHash('sha256').update('claim-ledger master key id\n').update(key).digest('hex').slice(0, 16);

/** Parses base64 32 bytes; a refusal names the variable and never echoes the value. */
export const parseMasterKey = (text: string, variable: string, source = variable): MasterKey => {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== DATA_KEY_BYTES) {
    throw new StartupProblem(`${variable}: not a base64 ${DATA_KEY_BYTES}-byte key; create one with \`npm run cli -- protection keygen\``);
  }
  return { key, id: masterKeyIdOf(key), source };
};

export interface MasterKeySettings {
  DATA_KEY_ENCRYPTION_KEY?: string;
  DATABASE_URL?: string;
  dataDir: string;
}

/**
 * The master key: `DATA_KEY_ENCRYPTION_KEY`, else for the embedded default (no DATABASE_URL) the key file in
 * DATA_DIR, created 0600 on the first start. A deployment with its own database and no key gets none:
 * confidential sources are then refused (and a start with confidential data already stored fails).
 */
export const loadMasterKey = async (settings: MasterKeySettings): Promise<MasterKey | undefined> => {
  if (settings.DATA_KEY_ENCRYPTION_KEY) return parseMasterKey(settings.DATA_KEY_ENCRYPTION_KEY, 'DATA_KEY_ENCRYPTION_KEY');
  if (settings.DATABASE_URL) return undefined;
  const file = path.join(settings.dataDir, EMBEDDED_MASTER_KEY_FILE);
  await createOwnerOnlyFileOnce(file, () => `${generateMasterKey()}\n`);
  const text = await readOwnerOnlyFile(file, EMBEDDED_MASTER_KEY_FILE, 'delete it to have a new one made (the data it protected stays unreadable)');
  return parseMasterKey(text, EMBEDDED_MASTER_KEY_FILE, file);
};
