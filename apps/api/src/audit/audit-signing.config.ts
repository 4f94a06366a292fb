import path from 'node:path';
import { generateNoteKey, NoteRefused, parseNoteSigningKey, parseVerifierKey, type NoteSigner, type NoteVerifier } from '@claims/event-store';
import { createOwnerOnlyFileOnce, readOwnerOnlyFile, StartupProblem } from '@claims/platform';
import type { AppConfig } from '../config/app-config';

/** The embedded default's key file, in its data folder: created on the first start, owner-only. */
export const EMBEDDED_SIGNING_KEY_FILE = 'audit-signing.key';

export interface AuditSigningConfig {
  origin: string;
  signer?: NoteSigner;
  witnessKeys: NoteVerifier[];
  /** Where the key came from, for the startup log: never the key itself. */
  source: string;
}

const readKeyFile = async (file: string, variable: string): Promise<NoteSigner> =>
  parseSigningKey(await readOwnerOnlyFile(file, variable, `create one with \`npm run cli -- audit keygen --output ${file}\``), `${variable} (${file})`);

const parseSigningKey = (text: string, variable: string): NoteSigner => {
  try {
    const signer = parseNoteSigningKey(text);
    if (signer.type !== 0x01) throw new NoteRefused('a log signing key has type 0x01 (Ed25519); 0x04 keys are witness keys');
    return signer;
  } catch (error) {
    throw new StartupProblem(`${variable}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** Creates the key file (0600) unless it exists; returns the key it holds. Concurrent first starts keep one key (`wx`). */
export const ensureKeyFile = async (file: string, origin: string): Promise<NoteSigner> => {
  await createOwnerOnlyFileOnce(file, () => `${generateNoteKey(origin).privateKey}\n`);
  return readKeyFile(file, EMBEDDED_SIGNING_KEY_FILE);
};

const witnessKeysOf = (list: string | undefined): NoteVerifier[] =>
  (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((vkey) => {
      try {
        const key = parseVerifierKey(vkey);
        if (key.type !== 0x04) throw new NoteRefused(`${key.name} is not a tlog-cosignature/v1 key (type 0x04)`);
        return key;
      } catch (error) {
        throw new StartupProblem(`AUDIT_WITNESS_KEYS: ${error instanceof Error ? error.message : String(error)}`);
      }
    });

/**
 * The transparency log's signing key: `AUDIT_SIGNING_KEY` (the key itself), else `AUDIT_SIGNING_KEY_FILE`
 * (a file holding it, which must exist and be owner-only), else for the embedded default the key file in
 * DATA_DIR, created on the first start. A deployment with its own DATABASE_URL and no key gets unsigned
 * checkpoints (tree size and root, no note) and a warning: a key made up at each start would sign notes no
 * auditor could check against a key they kept.
 */
export const loadAuditSigning = async (config: AppConfig): Promise<AuditSigningConfig> => {
  const origin = config.AUDIT_LOG_ORIGIN;
  const witnessKeys = witnessKeysOf(config.AUDIT_WITNESS_KEYS);
  if (config.AUDIT_SIGNING_KEY) return { origin, signer: parseSigningKey(config.AUDIT_SIGNING_KEY, 'AUDIT_SIGNING_KEY'), witnessKeys, source: 'AUDIT_SIGNING_KEY' };
  if (config.AUDIT_SIGNING_KEY_FILE) {
    const file = path.resolve(config.AUDIT_SIGNING_KEY_FILE);
    return { origin, signer: await readKeyFile(file, 'AUDIT_SIGNING_KEY_FILE'), witnessKeys, source: file };
  }
  if (!config.DATABASE_URL) {
    const file = path.join(config.dataDir, EMBEDDED_SIGNING_KEY_FILE);
    return { origin, signer: await ensureKeyFile(file, origin), witnessKeys, source: file };
  }
  return { origin, witnessKeys, source: 'none' };
};
