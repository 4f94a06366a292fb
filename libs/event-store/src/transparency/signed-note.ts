import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

// C2SP signed-note (https://c2sp.org/signed-note), tlog-checkpoint (https://c2sp.org/tlog-checkpoint) and
// tlog-cosignature/v1 (https://c2sp.org/tlog-cosignature) with Ed25519 from Node's crypto. The formats are
// the ones Go's golang.org/x/mod/sumdb/note and the C2SP witnesses read, so their tools check our notes.

/** Signature type bytes of signed-note keys: a log's Ed25519 key, and a witness's timestamped cosignature key. */
export const ED25519_KEY_TYPE = 0x01;
export const COSIGNATURE_V1_KEY_TYPE = 0x04;

const SIGNATURE_PREFIX = '\u2014 ';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A note, key or signature that does not parse or does not verify; `reason` is one line for a problem detail. */
export class NoteRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NoteRefused';
  }
}

const validKeyName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name);

/** signed-note key id: the first 4 bytes of SHA-256(name || 0x0A || type || public key). */
export const keyIdOf = (name: string, type: number, publicKey: Buffer): Buffer =>
  createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, type])).update(publicKey).digest().subarray(0, 4);

/** A key that signs notes: the log's checkpoint key, or (in tests and witness tools) a witness's. */
export interface NoteSigner {
  name: string;
  type: number;
  keyId: Buffer;
  publicKey: Buffer;
  /** The C2SP vkey: `<name>+<hex key id>+<base64(type || public key)>`. */
  verifierKey: string;
  sign(message: Buffer): Buffer;
}

/** A key that checks notes, from a vkey. */
export interface NoteVerifier {
  name: string;
  type: number;
  keyId: Buffer;
  publicKey: Buffer;
  verifierKey: string;
  verify(message: Buffer, signature: Buffer): boolean;
}

const publicKeyObject = (raw: Buffer): KeyObject => createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });

const vkeyOf = (name: string, type: number, publicKey: Buffer): string =>
  `${name}+${keyIdOf(name, type, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;

const signerOfSeed = (name: string, seed: Buffer, type = ED25519_KEY_TYPE): NoteSigner => {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  return {
    name,
    type,
    keyId: keyIdOf(name, type, publicKey),
    publicKey,
    verifierKey: vkeyOf(name, type, publicKey),
    sign: (message) => sign(null, message, privateKey),
  };
};

/**
 * A new Ed25519 signing key in Go's note format, `PRIVATE+KEY+<name>+<hex key id>+<base64(type || 32-byte seed)>`,
 * with its vkey. `type` 0x04 makes a witness cosignature key.
 */
export const generateNoteKey = (name: string, type = ED25519_KEY_TYPE): { privateKey: string; verifierKey: string } => {
  if (!validKeyName(name)) throw new NoteRefused(`a key name must be non-empty, without spaces or "+": ${JSON.stringify(name)}`);
  const seed = randomBytes(32);
  const signer = signerOfSeed(name, seed, type);
  return { privateKey: `PRIVATE+KEY+${name}+${signer.keyId.toString('hex')}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`, verifierKey: signer.verifierKey };
};

/** Reads a `PRIVATE+KEY+…` signing key; its key id must match its name and key. */
export const parseNoteSigningKey = (text: string): NoteSigner => {
  // The base64 key may itself hold '+': only the first four are separators.
  const parts = text.trim().split('+');
  if (parts.length < 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new NoteRefused('a signing key looks like PRIVATE+KEY+<name>+<hex key id>+<base64 key>');
  const [, , name, hexId] = parts;
  const encoded = parts.slice(4).join('+');
  const key = Buffer.from(encoded, 'base64');
  if (!validKeyName(name) || !/^[0-9a-f]{8}$/.test(hexId) || key.length !== 33 || key.toString('base64') !== encoded) throw new NoteRefused('the signing key is malformed');
  if (key[0] !== ED25519_KEY_TYPE && key[0] !== COSIGNATURE_V1_KEY_TYPE) throw new NoteRefused(`the signing key has an unknown type 0x${key[0].toString(16)}`);
  const signer = signerOfSeed(name, key.subarray(1), key[0]);
  if (signer.keyId.toString('hex') !== hexId) throw new NoteRefused('the signing key id does not match its name and key');
  return signer;
};

/** Reads a vkey `<name>+<hex key id>+<base64(type || public key)>`; its key id must match. */
export const parseVerifierKey = (vkey: string): NoteVerifier => {
  const parts = vkey.trim().split('+');
  if (parts.length < 3) throw new NoteRefused('a verifier key looks like <name>+<hex key id>+<base64 key>');
  const [name, hexId] = parts;
  const encoded = parts.slice(2).join('+');
  const key = Buffer.from(encoded, 'base64');
  if (!validKeyName(name) || !/^[0-9a-f]{8}$/.test(hexId) || key.length !== 33 || key.toString('base64') !== encoded) throw new NoteRefused(`the verifier key ${name} is malformed`);
  if (key[0] !== ED25519_KEY_TYPE && key[0] !== COSIGNATURE_V1_KEY_TYPE) throw new NoteRefused(`the verifier key ${name} has an unknown type 0x${key[0].toString(16)}`);
  const publicKey = key.subarray(1);
  const keyId = keyIdOf(name, key[0], publicKey);
  if (keyId.toString('hex') !== hexId) throw new NoteRefused(`the verifier key ${name}: its key id does not match its name and key`);
  const object = publicKeyObject(publicKey);
  return { name, type: key[0], keyId, publicKey, verifierKey: vkeyOf(name, key[0], publicKey), verify: (message, signature) => signature.length === 64 && verify(null, message, object, signature) };
};

/** One signature line of a note. */
export interface NoteSignature {
  keyName: string;
  keyId: Buffer;
  /** The bytes after the key id: a 64-byte signature, or for a cosignature an 8-byte timestamp and the signature. */
  signature: Buffer;
  /** The line as it appeared, without its newline. */
  line: string;
}

/** Parses one signature line `— <name> <base64(key id || signature)>`. */
export const parseSignatureLine = (line: string): NoteSignature => {
  const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
  const bytes = match ? Buffer.from(match[2], 'base64') : undefined;
  if (!match || !bytes || bytes.length < 5 || bytes.toString('base64') !== match[2]) throw new NoteRefused(`not a signature line: ${JSON.stringify(line.slice(0, 120))}`);
  return { keyName: match[1], keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line };
};

/** Splits a signed note into its text (ending in a newline) and its signature lines. */
export const parseNote = (note: string): { body: string; signatures: NoteSignature[] } => {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteRefused('a signed note is its text, a blank line and signature lines, each ending in a newline');
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length === 0 || lines[0] === '') throw new NoteRefused('the note has no signature');
  return { body, signatures: lines.map(parseSignatureLine) };
};

/** Signs a note's text (which must end in a newline) with one key. */
export const signNote = (body: string, signer: NoteSigner): string => {
  if (!body.endsWith('\n')) throw new NoteRefused('a note text ends in a newline');
  const signature = signer.sign(Buffer.from(body, 'utf8'));
  return `${body}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([signer.keyId, signature]).toString('base64')}\n`;
};

/**
 * Checks a note against the log's key: one of its lines must be that key's (name and key id) and verify over
 * the text. Other lines (cosignatures) are left to `verifyCosignatureLine`. Returns the text.
 */
export const verifyNote = (note: string, key: NoteVerifier): { body: string; signatures: NoteSignature[] } => {
  const parsed = parseNote(note);
  const own = parsed.signatures.filter((line) => line.keyName === key.name && line.keyId.equals(key.keyId));
  if (own.length === 0) throw new NoteRefused(`the note is not signed by ${key.name} (key id ${key.keyId.toString('hex')})`);
  if (!own.some((line) => key.verify(Buffer.from(parsed.body, 'utf8'), line.signature))) throw new NoteRefused(`the signature of ${key.name} does not verify`);
  return parsed;
};

/** The tlog-checkpoint text: origin, tree size, base64 root, each on its own line. */
export const checkpointBody = (origin: string, treeSize: number, rootHash: Buffer): string => `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;

/** Reads a tlog-checkpoint text (extension lines after the root are kept but not interpreted). */
export const parseCheckpointBody = (body: string): { origin: string; treeSize: number; rootHash: Buffer; extensions: string[] } => {
  const lines = body.split('\n');
  const [origin, size, root] = lines;
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (!origin || !/^(0|[1-9]\d{0,15})$/.test(size ?? '') || rootHash.length !== 32 || rootHash.toString('base64') !== root) throw new NoteRefused('not a tlog-checkpoint: origin, tree size and base64 root hash lines');
  return { origin, treeSize: Number(size), rootHash, extensions: lines.slice(3, -1) };
};

/** tlog-cosignature/v1's signed message: a header naming the time, then the checkpoint text. */
export const cosignatureMessage = (body: string, timestamp: number): Buffer => Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, 'utf8');

/** A witness's cosignature line over a checkpoint text at `timestamp` (seconds since the epoch). */
export const cosignatureLine = (body: string, witness: NoteSigner, timestamp: number): string => {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  return `${SIGNATURE_PREFIX}${witness.name} ${Buffer.concat([witness.keyId, time, witness.sign(cosignatureMessage(body, timestamp))]).toString('base64')}`;
};

/** A cosignature that verified. */
export interface VerifiedCosignature {
  keyName: string;
  /** Hex. */
  keyId: string;
  /** Seconds since the epoch, as the witness signed it. */
  timestamp: number;
  line: string;
}

/**
 * Checks one tlog-cosignature/v1 line over a checkpoint text against the known witness keys (type 0x04):
 * refused when the key is unknown or the signature does not verify.
 */
export const verifyCosignatureLine = (line: string, body: string, witnesses: readonly NoteVerifier[]): VerifiedCosignature => {
  const parsed = parseSignatureLine(line);
  const witness = witnesses.find((key) => key.type === COSIGNATURE_V1_KEY_TYPE && key.name === parsed.keyName && key.keyId.equals(parsed.keyId));
  if (!witness) throw new NoteRefused(`${parsed.keyName} (key id ${parsed.keyId.toString('hex')}) is not a known witness key`);
  if (parsed.signature.length !== 72) throw new NoteRefused(`the cosignature of ${parsed.keyName} is not an 8-byte timestamp and a 64-byte signature`);
  const timestamp = parsed.signature.readBigUInt64BE(0);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteRefused(`the cosignature of ${parsed.keyName} has an impossible timestamp`);
  if (!witness.verify(cosignatureMessage(body, Number(timestamp)), parsed.signature.subarray(8))) throw new NoteRefused(`the cosignature of ${parsed.keyName} does not verify`);
  return { keyName: parsed.keyName, keyId: parsed.keyId.toString('hex'), timestamp: Number(timestamp), line };
};
