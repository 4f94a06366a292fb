import { createHash } from 'node:crypto';

/** SHA-256 of the concatenated parts. */
export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard base64 with padding (RFC 4648 section 4) strictly: Node's decoder skips characters it
 * does not know and accepts missing padding, so two different texts could stand for the same bytes.
 * Undefined when `text` is not the canonical encoding of some bytes.
 */
export const decodeBase64 = (text: string): Buffer | undefined => {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
};

/** Decodes lowercase hex of exactly `length` bytes; undefined otherwise. */
export const decodeHex = (text: string, length: number): Buffer | undefined =>
  typeof text === 'string' && text.length === length * 2 && /^[0-9a-f]*$/.test(text) ? Buffer.from(text, 'hex') : undefined;
