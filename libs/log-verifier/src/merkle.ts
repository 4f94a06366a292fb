import { sha256 } from './bytes';

/**
 * RFC 9162 section 2.1 Merkle tree verification, pure: hashes in, a verdict out. Tree sizes and indices are
 * JavaScript numbers (exact up to 2^53), halved by division, never by 32-bit bit operators.
 */

/** The outcome of checking one proof; `reason` says which step of the RFC's algorithm did not hold. */
export type ProofCheck = { valid: true } | { valid: false; reason: string };

const VALID: ProofCheck = { valid: true };
const invalid = (reason: string): ProofCheck => ({ valid: false, reason });

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256(): the root of the empty tree. */
export const EMPTY_TREE_ROOT: Buffer = sha256();

/** The hash of a leaf: SHA-256(0x00 || leaf input). */
export const leafHash = (leaf: Uint8Array): Buffer => sha256(LEAF_PREFIX, leaf);

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);
const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/**
 * RFC 9162 section 2.1.3.2: does `proof` (the audit path, leaf to root) prove that the leaf with hash `hash`
 * sits at `leafIndex` of the tree of `treeSize` leaves whose root is `rootHash`?
 */
export const verifyInclusion = (leafIndex: number, treeSize: number, hash: Uint8Array, proof: readonly Uint8Array[], rootHash: Uint8Array): ProofCheck => {
  if (!isSize(leafIndex) || !isSize(treeSize)) return invalid('index and tree size must be non-negative integers');
  if (leafIndex >= treeSize) return invalid(`leaf index ${leafIndex} is not in a tree of ${treeSize} leaves`);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(hash);
  for (const p of proof) {
    if (sn === 0) return invalid(`the proof has more hashes than a path in a tree of ${treeSize} leaves`);
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return invalid(`the proof has fewer hashes than the path from leaf ${leafIndex} in a tree of ${treeSize} leaves`);
  if (!r.equals(rootHash)) return invalid('the proof does not lead to the root hash');
  return VALID;
};

/**
 * RFC 9162 section 2.1.4.2: does `proof` show that the tree of `firstSize` leaves with root `firstRoot` is a
 * prefix of the tree of `secondSize` leaves with root `secondRoot` (the log only grew in between)?
 * Equal sizes need an empty proof and equal roots; the empty tree is a prefix of every tree.
 */
export const verifyConsistency = (
  firstSize: number,
  secondSize: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): ProofCheck => {
  if (!isSize(firstSize) || !isSize(secondSize)) return invalid('tree sizes must be non-negative integers');
  if (firstSize > secondSize) return invalid(`the earlier tree (${firstSize} leaves) is larger than the later one (${secondSize})`);
  if (firstSize === secondSize) {
    if (proof.length !== 0) return invalid('a proof between trees of the same size must be empty');
    return Buffer.from(firstRoot).equals(secondRoot) ? VALID : invalid(`two trees of ${firstSize} leaves with different roots`);
  }
  if (firstSize === 0) return proof.length === 0 ? VALID : invalid('a proof from the empty tree must be empty');
  if (proof.length === 0) return invalid('the proof is empty');
  // Step 2: when the first tree is a complete subtree its root is the proof's implicit first node.
  const path = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0) return invalid(`the proof has more hashes than a proof from ${firstSize} to ${secondSize} leaves`);
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return invalid(`the proof has fewer hashes than a proof from ${firstSize} to ${secondSize} leaves`);
  if (!fr.equals(firstRoot)) return invalid(`the proof does not lead to the earlier root (${firstSize} leaves)`);
  if (!sr.equals(secondRoot)) return invalid(`the proof does not lead to the later root (${secondSize} leaves)`);
  return VALID;
};
