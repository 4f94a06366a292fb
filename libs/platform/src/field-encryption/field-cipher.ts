import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The one sealing scheme so far; a later one gets a new tag and this one keeps opening old values. */
export const SEALED_SCHEME = 'aes-256-gcm/v1';

/** A JSON value sealed with its subject's data key: what an event holds instead of the value. */
export interface SealedValue {
  sealed: typeof SEALED_SCHEME;
  /** Whose data key sealed it (a source id): erasing that key makes the value unreadable for good. */
  subject: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** A value that cannot be opened: wrong key, a value moved to another subject or field, or altered bytes. */
export class SealedValueRefused extends Error {
  override readonly name = 'SealedValueRefused';
}

export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
/**
 * The full 128-bit tag, pinned on opening: without it Node accepts any tag of 4 to 16 bytes, so a stored
 * value with a cut tag would open and a forgery would be a 2^32 guess.
 */
export const TAG_BYTES = 16;

/**
 * The additional authenticated data: the subject and the field path. GCM checks them on opening, so a
 * ciphertext copied into another source's event, or from `identity` into a report's `quote`, is refused
 * rather than shown under the wrong name.
 */
const aadOf = (subject: string, field: string): Buffer => Buffer.from(`${SEALED_SCHEME}\n${subject}\n${field}`, 'utf8');

export const newDataKey = (): Buffer => randomBytes(DATA_KEY_BYTES);

const assertKey = (key: Buffer): void => {
  if (key.length !== DATA_KEY_BYTES) throw new SealedValueRefused(`a data key is ${DATA_KEY_BYTES} bytes`);
};

/** Seals a JSON value under `key` for `subject` at `field` (a fresh random 96-bit IV each time). */
export const sealValue = (key: Buffer, subject: string, field: string, value: unknown): SealedValue => {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(subject, field));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { sealed: SEALED_SCHEME, subject, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
};

/** Opens a sealed value; refuses (never returns garbage) on a wrong key, subject, field or any altered byte. */
export const openValue = (key: Buffer, field: string, value: SealedValue): unknown => {
  assertKey(key);
  if (value.sealed !== SEALED_SCHEME) throw new SealedValueRefused(`unknown sealing scheme ${String(value.sealed)}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(value.iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(value.subject, field));
    decipher.setAuthTag(Buffer.from(value.tag, 'base64'));
    const clear = Buffer.concat([decipher.update(Buffer.from(value.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(clear.toString('utf8')) as unknown;
  } catch {
    // The cause (an OpenSSL message) says nothing useful and must not carry key material anywhere.
    throw new SealedValueRefused(`the sealed ${field} of ${value.subject} does not open with its data key`);
  }
};

/** True for anything shaped like a {@link SealedValue}. */
export const isSealedValue = (value: unknown): value is SealedValue =>
  typeof value === 'object' && value !== null && (value as { sealed?: unknown }).sealed === SEALED_SCHEME;
