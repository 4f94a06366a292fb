import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES, SealedValueRefused, TAG_BYTES } from './field-cipher';

/**
 * A data key wrapped by the master key: AES-256-GCM, `v1.<iv>.<ciphertext>.<tag>` (base64), with the
 * subject as additional data so a wrapped key copied onto another subject's row does not unwrap.
 */
export type WrappedKey = string;

const aadOf = (subject: string): Buffer => Buffer.from(`data-key/v1\n${subject}`, 'utf8');

export const wrapDataKey = (masterKey: Buffer, subject: string, dataKey: Buffer): WrappedKey => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(aadOf(subject));
  const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return ['v1', iv.toString('base64'), ciphertext.toString('base64'), cipher.getAuthTag().toString('base64')].join('.');
};

/** Refuses with {@link SealedValueRefused} when the master key is not the one that wrapped it. */
export const unwrapDataKey = (masterKey: Buffer, subject: string, wrapped: WrappedKey): Buffer => {
  const [version, iv, ciphertext, tag] = wrapped.split('.');
  if (version !== 'v1' || !iv || !ciphertext || !tag) throw new SealedValueRefused(`the data key of ${subject} is not a v1 wrapped key`);
  try {
    // The full tag, pinned (see TAG_BYTES): a cut one is refused.
    const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(subject));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const key = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
    if (key.length !== DATA_KEY_BYTES) throw new Error('length');
    return key;
  } catch {
    throw new SealedValueRefused(`the data key of ${subject} does not unwrap with this master key`);
  }
};
