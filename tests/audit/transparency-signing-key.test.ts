import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateNoteKey, parseNoteSigningKey } from '@claims/event-store';
import { loadAuditSigning } from '../../apps/api/src/audit/audit-signing.config';
import { loadAppConfig } from '../../apps/api/src/config/app-config';
import { TEST_WITNESS_VERIFIER_KEY } from './transparency-keys';

/** Where the checkpoint signing key comes from, as `main.ts` and the CLI resolve it from the environment. */
describe('the transparency log signing key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'claim-ledger-signing-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created owner-only in the data folder on the embedded default first start, and reused after', async () => {
    const config = loadAppConfig({ DATA_DIR: dir });
    const first = await loadAuditSigning(config);
    const file = path.join(dir, 'audit-signing.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toMatchObject({ origin: 'claim-ledger.local/log', source: file });
    expect(parseNoteSigningKey(readFileSync(file, 'utf8')).verifierKey).toBe(first.signer?.verifierKey);
    expect((await loadAuditSigning(config)).signer?.verifierKey).toBe(first.signer?.verifierKey);
  });

  it('takes AUDIT_SIGNING_KEY or an owner-only AUDIT_SIGNING_KEY_FILE, and refuses a key file others can read', async () => {
    const { privateKey, verifierKey } = generateNoteKey('ledger.example.org/claims');
    const env = { DATABASE_URL: 'postgres://db.example.org/claims', DATA_DIR: dir, AUDIT_LOG_ORIGIN: 'ledger.example.org/claims' };
    expect((await loadAuditSigning(loadAppConfig({ ...env, AUDIT_SIGNING_KEY: privateKey }))).signer?.verifierKey).toBe(verifierKey);
    const file = path.join(dir, 'key');
    writeFileSync(file, `${privateKey}\n`, { mode: 0o600 });
    expect((await loadAuditSigning(loadAppConfig({ ...env, AUDIT_SIGNING_KEY_FILE: file }))).signer?.verifierKey).toBe(verifierKey);
    chmodSync(file, 0o644);
    await expect(loadAuditSigning(loadAppConfig({ ...env, AUDIT_SIGNING_KEY_FILE: file }))).rejects.toThrow(/readable by others/);
    await expect(loadAuditSigning(loadAppConfig({ ...env, AUDIT_SIGNING_KEY_FILE: path.join(dir, 'missing') }))).rejects.toThrow(/audit keygen/);
    await expect(loadAuditSigning(loadAppConfig({ ...env, AUDIT_SIGNING_KEY: 'PRIVATE+KEY+x+00000000+AAAA' }))).rejects.toThrow(/AUDIT_SIGNING_KEY/);
  });

  it('signs nothing with an own database and no key (never a key made up at start), and reads the witness keys', async () => {
    const signing = await loadAuditSigning(loadAppConfig({ DATABASE_URL: 'postgres://db.example.org/claims', DATA_DIR: dir, AUDIT_WITNESS_KEYS: ` ${TEST_WITNESS_VERIFIER_KEY} ` }));
    expect(signing.signer).toBeUndefined();
    expect(signing.witnessKeys.map((key) => key.verifierKey)).toEqual([TEST_WITNESS_VERIFIER_KEY]);
    expect(() => readFileSync(path.join(dir, 'audit-signing.key'))).toThrow();
    await expect(loadAuditSigning(loadAppConfig({ DATABASE_URL: 'postgres://db.example.org/claims', DATA_DIR: dir, AUDIT_WITNESS_KEYS: generateNoteKey('log.example').verifierKey }))).rejects.toThrow(/type 0x04/);
  });
});
