import { createHash } from 'node:crypto';

/**
 * Test-only reference: RFC 9162 section 2.1's recursive definitions MTH, PATH and PROOF written out as the RFC
 * states them, independently of the verifier's iterative algorithms and of the server's tree code.
 * k is the largest power of two smaller than n. Quadratic and slow; for tests of small trees.
 */
const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[n]): the root of the tree over the leaf inputs `d`. */
export const MTH = (d: Buffer[]): Buffer => {
  if (d.length === 0) return h();
  if (d.length === 1) return h(Buffer.from([0]), d[0]);
  const k = split(d.length);
  return h(Buffer.from([1]), MTH(d.slice(0, k)), MTH(d.slice(k)));
};

/** PATH(m, D[n]) (section 2.1.3.1): the inclusion proof of leaf m. */
export const PATH = (m: number, d: Buffer[]): Buffer[] => {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k ? [...PATH(m, d.slice(0, k)), MTH(d.slice(k))] : [...PATH(m - k, d.slice(k)), MTH(d.slice(0, k))];
};

/** SUBPROOF(m, D[n], b) (section 2.1.4.1). */
const SUBPROOF = (m: number, d: Buffer[], b: boolean): Buffer[] => {
  const n = d.length;
  if (m === n) return b ? [] : [MTH(d)];
  const k = split(n);
  return m <= k ? [...SUBPROOF(m, d.slice(0, k), b), MTH(d.slice(k))] : [...SUBPROOF(m - k, d.slice(k), false), MTH(d.slice(0, k))];
};

/** PROOF(m, D[n]): the consistency proof from the first m leaves to all n. */
export const PROOF = (m: number, d: Buffer[]): Buffer[] => SUBPROOF(m, d, true);
