import {
  checkpointBody,
  COSIGNATURE_V1_KEY_TYPE,
  cosignatureLine,
  generateNoteKey,
  NoteRefused,
  parseCheckpointBody,
  parseNote,
  parseNoteSigningKey,
  parseVerifierKey,
  signNote,
  verifyCosignatureLine,
  verifyNote,
} from './signed-note';

// The example key and note of Go's golang.org/x/mod/sumdb/note, the reference implementation of the format.
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (C2SP signed-note, Ed25519)', () => {
  it('reproduces the reference implementation byte for byte', () => {
    const signer = parseNoteSigningKey(GO_SKEY);
    expect(signer.verifierKey).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, signer)).toBe(GO_NOTE);
    expect(verifyNote(GO_NOTE, parseVerifierKey(GO_VKEY)).body).toBe(GO_TEXT);
  });

  it('refuses a note signed by another key, an edited text and a mangled key', () => {
    const other = generateNoteKey('PeterNeumann');
    const signedByOther = signNote(GO_TEXT, parseNoteSigningKey(other.privateKey));
    expect(() => verifyNote(signedByOther, parseVerifierKey(GO_VKEY))).toThrow(NoteRefused);
    expect(() => verifyNote(GO_NOTE.replace('problem,', 'problem;'), parseVerifierKey(GO_VKEY))).toThrow(/does not verify/);
    expect(() => parseVerifierKey(GO_VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id/);
    expect(() => parseNoteSigningKey(GO_SKEY.slice(0, -2))).toThrow(NoteRefused);
    expect(() => parseNote(GO_TEXT)).toThrow(NoteRefused);
  });

  it('writes and reads tlog-checkpoint texts', () => {
    const root = Buffer.alloc(32, 7);
    const body = checkpointBody('claim-ledger.local/log', 40, root);
    expect(body).toBe(`claim-ledger.local/log\n40\n${root.toString('base64')}\n`);
    expect(parseCheckpointBody(body)).toMatchObject({ origin: 'claim-ledger.local/log', treeSize: 40 });
    expect(() => parseCheckpointBody('origin\n-1\nAAAA\n')).toThrow(NoteRefused);
  });

  it('accepts tlog-cosignature/v1 lines only from known witness keys that verify', () => {
    const body = checkpointBody('claim-ledger.local/log', 3, Buffer.alloc(32, 1));
    const witness = parseNoteSigningKey(generateNoteKey('witness.example', COSIGNATURE_V1_KEY_TYPE).privateKey);
    const stranger = parseNoteSigningKey(generateNoteKey('witness.example', COSIGNATURE_V1_KEY_TYPE).privateKey);
    const known = [parseVerifierKey(witness.verifierKey)];
    const line = cosignatureLine(body, witness, 1_700_000_000);
    expect(verifyCosignatureLine(line, body, known)).toEqual({ keyName: 'witness.example', keyId: witness.keyId.toString('hex'), timestamp: 1_700_000_000, line });
    expect(() => verifyCosignatureLine(cosignatureLine(body, stranger, 1_700_000_000), body, known)).toThrow(/not a known witness key/);
    expect(() => verifyCosignatureLine(line, checkpointBody('claim-ledger.local/log', 4, Buffer.alloc(32, 1)), known)).toThrow(/does not verify/);
  });
});
