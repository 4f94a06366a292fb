import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Test-only: an Ed25519 note signer written from the C2SP signed-note spec, so the verifier's tests need no
 * server. Not part of the verifier (an auditor verifies; only the log signs).
 */
export interface TestSigner {
  name: string;
  /** The vkey `<name>+<hex id>+<base64(0x01 || key)>`. */
  verifierKey: string;
  /** The signature line for `text` (with its "\n"). */
  signatureLine(text: string): string;
  /** `text`, the blank line and this key's signature line. */
  sign(text: string): string;
}

export const testSigner = (name: string, privateKey: KeyObject = generateKeyPairSync('ed25519').privateKey): TestSigner => {
  const publicKey = createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string };
  const raw = Buffer.from(publicKey.x, 'base64url');
  const keyId = createHash('sha256').update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), raw])).digest().subarray(0, 4);
  const signatureLine = (text: string) => `\u2014 ${name} ${Buffer.concat([keyId, sign(null, Buffer.from(text, 'utf8'), privateKey)]).toString('base64')}\n`;
  return {
    name,
    verifierKey: `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), raw]).toString('base64')}`,
    signatureLine,
    sign: (text) => `${text}\n${signatureLine(text)}`,
  };
};

/** A checkpoint body: origin, tree size, base64 root. */
export const checkpointBody = (origin: string, treeSize: number, rootHash: Buffer): string => `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;
