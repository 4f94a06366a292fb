import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeBase64, sha256 } from './bytes';
import { VerificationFailed } from './errors';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) and tlog-checkpoint (https://c2sp.org/tlog-checkpoint),
 * Ed25519 only: the vkey parser, the note parser and the signature check.
 */

/** Signature algorithm byte of an Ed25519 key in a vkey and in the key id. */
const ALG_ED25519 = 0x01;
/** DER prefix of an SPKI Ed25519 public key (RFC 8410): the raw 32 bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_PREFIX = '\u2014 ';
/** Go's note package refuses notes with more signatures than this; so do we, to bound the work. */
const MAX_SIGNATURES = 100;

/** A verifier key: `<name>+<hex key id>+<base64(0x01 || 32-byte Ed25519 public key)>`. */
export interface VerifierKey {
  name: string;
  keyId: Buffer;
  /** `<name>+<hex key id>`: how the key is named in messages. */
  label: string;
  publicKey: KeyObject;
}

/** One signature line of a note: `— <key name> <base64(4-byte key id || signature)>`. */
export interface NoteSignature {
  name: string;
  keyId: Buffer;
  signature: Buffer;
}

export interface SignedNote {
  /** The signed text: every line up to the blank line, each with its "\n". The signatures cover exactly these bytes. */
  text: string;
  signatures: NoteSignature[];
}

/** A checkpoint body: origin, tree size, root hash, then any extension lines. */
export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  extensions: string[];
}

const fail = (message: string): never => {
  throw new VerificationFailed('note', message);
};

/** Key names are non-empty and hold no whitespace and no "+" (signed-note, "Verifier keys"). */
const isValidName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name);

/** key id = the first 4 bytes of SHA-256(key name || 0x0A || signature type || public key). */
export const keyIdOf = (name: string, algorithm: number, publicKey: Uint8Array): Buffer =>
  sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, algorithm]), publicKey).subarray(0, 4);

/** Parses and checks a vkey: its key id must be the one its name and public key give. */
export const parseVerifierKey = (text: string): VerifierKey => {
  // Split at the first two "+" only: names hold none, base64 may.
  const trimmed = text.trim();
  const first = trimmed.indexOf('+');
  const second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
  if (second < 0) fail('the verifier key is not of the form <name>+<hex key id>+<base64 key>');
  const [name, idHex, keyBase64] = [trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1)];
  if (!isValidName(name)) fail(`the verifier key's name "${name}" is empty or contains whitespace`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) fail(`the verifier key's id "${idHex}" is not 8 lowercase hex digits`);
  const key = decodeBase64(keyBase64);
  if (!key) return fail("the verifier key's public key is not base64");
  if (key[0] !== ALG_ED25519 || key.length !== 33) fail('the verifier key is not an Ed25519 key (0x01 followed by 32 bytes)');
  const raw = key.subarray(1);
  const keyId = keyIdOf(name, ALG_ED25519, raw);
  if (keyId.toString('hex') !== idHex) fail(`the verifier key's id ${idHex} does not match its name and public key (expected ${keyId.toString('hex')})`);
  const publicKey = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  return { name, keyId, label: `${name}+${idHex}`, publicKey };
};

/**
 * Splits a signed note into its text and signature lines, strictly as the spec and Go's `note.Open` do: the
 * text ends at the last blank line, every signature line is "— name base64" and ends with a newline.
 */
export const parseNote = (note: string): SignedNote => {
  if (note.includes('\r')) fail('the note contains a carriage return (saved with CRLF line endings?)');
  for (const char of note) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) fail(`the note contains the control character U+${code.toString(16).padStart(4, '0')}`);
  }
  if (note.includes('\ufffd')) fail('the note is not valid UTF-8');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) fail('the note has no blank line between its text and its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (text.length === 0 || text === '\n') fail('the note text is empty');
  if (block.length === 0) fail('the note has no signature lines');
  if (!block.endsWith('\n')) fail('the last signature line does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) fail(`the note has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, index) => {
    const where = `signature line ${index + 1}`;
    if (!line.startsWith(SIGNATURE_PREFIX)) fail(`${where} does not start with "— " (an em dash and a space)`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const encoded = space < 0 ? '' : rest.slice(space + 1);
    if (!isValidName(name)) fail(`${where}: the key name is empty or contains "+"`);
    const bytes = decodeBase64(encoded);
    if (!bytes || bytes.length < 5) return fail(`${where}: the signature is not base64 of a 4-byte key id and a signature`);
    return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
  });
  return { text, signatures };
};

/**
 * Checks that `note` carries a valid signature by `key`: a signature line with the key's name and id whose
 * Ed25519 signature verifies over the note text. Lines of other keys (witness cosignatures) are ignored.
 */
export const verifyNoteSignature = (note: SignedNote, key: VerifierKey): void => {
  const mine = note.signatures.filter((signature) => signature.name === key.name && signature.keyId.equals(key.keyId));
  if (mine.length === 0) {
    const others = note.signatures.map((signature) => `${signature.name}+${signature.keyId.toString('hex')}`).join(', ');
    fail(`the note has no signature by ${key.label} (it is signed by ${others})`);
  }
  if (mine.length > 1) fail(`the note has more than one signature by ${key.label}`);
  const [signature] = mine;
  if (signature.signature.length !== 64) fail(`the signature by ${key.label} is ${signature.signature.length} bytes, not an Ed25519 signature (64 bytes)`);
  if (!verifySignature(null, Buffer.from(note.text, 'utf8'), key.publicKey, signature.signature)) {
    fail(`the signature by ${key.label} does not verify: the note text was altered after it was signed`);
  }
};

/** Parses a checkpoint body: `<origin>\n<tree size>\n<base64 root hash>\n`, then optional extension lines. */
export const parseCheckpoint = (text: string): Checkpoint => {
  const bad = (message: string): never => {
    throw new VerificationFailed('checkpoint', message);
  };
  const lines = text.split('\n');
  // The text ends with "\n", so the last element is empty; an origin, a size and a hash come before it.
  if (lines.length < 4 || lines[lines.length - 1] !== '') bad('the checkpoint has fewer than three lines (origin, tree size, root hash)');
  const [origin, size, root, ...rest] = lines.slice(0, -1);
  if (origin.length === 0) bad('the checkpoint origin (line 1) is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size)) bad(`the checkpoint tree size (line 2) "${size}" is not a decimal number without leading zeros`);
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) bad(`the checkpoint tree size ${size} is too large`);
  const rootHash = decodeBase64(root);
  if (!rootHash || rootHash.length !== 32) return bad('the checkpoint root hash (line 3) is not base64 of 32 bytes');
  if (rest.some((line) => line.length === 0)) bad('the checkpoint has an empty extension line');
  return { origin, treeSize, rootHash, extensions: rest };
};

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: SignedNote;
  /** `<name>+<hex key id>` of the key whose signature was verified. */
  signedBy: string;
}

/**
 * Verifies a signed checkpoint: the note's signature by `key`, its body, and that its origin is the one the
 * verifier expects (C2SP: a verifier is configured with the origin of the log it follows; by default the key's name).
 */
export const openCheckpoint = (noteText: string, key: VerifierKey, expectedOrigin: string = key.name): OpenedCheckpoint => {
  const note = parseNote(noteText);
  verifyNoteSignature(note, key);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== expectedOrigin) {
    throw new VerificationFailed('checkpoint', `the checkpoint is for origin "${checkpoint.origin}", expected "${expectedOrigin}"`);
  }
  return { checkpoint, note, signedBy: key.label };
};
