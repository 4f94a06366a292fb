import { createHash } from 'node:crypto';
import { MTH, PATH, PROOF } from '../../../log-verifier/testing/rfc9162-reference';
import {
  appendLeaf,
  consistencyRanges,
  EMPTY_ROOT,
  frontierOf,
  hashOfRange,
  inclusionRanges,
  rootRange,
  subtreesNeeded,
  verifyConsistency,
  verifyInclusion,
  type SubtreeRef,
} from './merkle-tree';

// Expected roots and proofs: RFC 9162 2.1's recursive definitions (libs/log-verifier/testing), independent of the module.
const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const mth = MTH;
const path = PATH;
const proof = (m: number, d: Buffer[]): Buffer[] => (m === 0 ? [] : PROOF(m, d));

const SIZE = 40;
const leaves = Array.from({ length: SIZE }, (_, i) => sha(Buffer.from(`event ${i}`)));

/** The stored tree, as the store keeps it: every subtree `appendLeaf` completes. */
const grow = (count: number) => {
  const nodes = new Map<string, Buffer>();
  const frontier = new Map<number, Buffer>();
  for (let i = 0; i < count; i += 1) {
    for (const node of appendLeaf(i, sha(Buffer.from([0]), leaves[i]), frontier)) nodes.set(`${node.level}:${node.index}`, node.hash);
  }
  const lookup = (ref: SubtreeRef) => {
    const hash = nodes.get(`${ref.level}:${ref.index}`);
    if (!hash) throw new Error(`missing subtree ${ref.level}:${ref.index}`);
    return hash;
  };
  return { nodes, frontier, lookup };
};

describe('the RFC 9162 Merkle tree from stored subtrees', () => {
  const tree = grow(SIZE);

  it('has the root of the recursive definition at every size, from O(log n) subtrees', () => {
    expect(hashOfRange(rootRange(0), tree.lookup).equals(EMPTY_ROOT)).toBe(true);
    for (let n = 0; n <= SIZE; n += 1) {
      expect(hashOfRange(rootRange(n), tree.lookup).toString('hex')).toBe(mth(leaves.slice(0, n)).toString('hex'));
      expect(subtreesNeeded([rootRange(n)]).length).toBeLessThanOrEqual(Math.max(1, Math.ceil(Math.log2(n + 1))));
    }
  });

  it('gives PATH(m, D[n]) for every leaf of every size, and the proofs verify', () => {
    for (let n = 1; n <= SIZE; n += 1) {
      const root = mth(leaves.slice(0, n));
      for (let m = 0; m < n; m += 1) {
        const got = inclusionRanges(m, n).map((range) => hashOfRange(range, tree.lookup));
        expect(got.map((h) => h.toString('hex'))).toEqual(path(m, leaves.slice(0, n)).map((h) => h.toString('hex')));
        expect(verifyInclusion(m, n, sha(Buffer.from([0]), leaves[m]), got, root)).toBe(true);
        if (got.length > 0) expect(verifyInclusion(m, n, sha(Buffer.from([0]), leaves[(m + 1) % n]), got, root)).toBe(n === 1);
      }
    }
  });

  it('gives PROOF(m, D[n]) for every 0 ≤ m ≤ n ≤ 40, and the proofs verify', () => {
    for (let n = 0; n <= SIZE; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        const got = consistencyRanges(m, n).map((range) => hashOfRange(range, tree.lookup));
        expect(got.map((h) => h.toString('hex'))).toEqual(proof(m, leaves.slice(0, n)).map((h) => h.toString('hex')));
        expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), mth(leaves.slice(0, n)), got)).toBe(true);
      }
    }
  });

  it('refuses a consistency proof against a rewritten history', () => {
    const rewritten = [...leaves];
    rewritten[3] = sha(Buffer.from('another event'));
    for (let n = 5; n <= SIZE; n += 1) {
      const got = consistencyRanges(4, n).map((range) => hashOfRange(range, tree.lookup));
      expect(verifyConsistency(4, n, mth(rewritten.slice(0, 4)), mth(leaves.slice(0, n)), got)).toBe(false);
      expect(verifyConsistency(4, n, mth(leaves.slice(0, 4)), mth(rewritten.slice(0, n)), got)).toBe(false);
    }
  });

  it('keeps exactly the frontier it announces, so an extension can resume from stored rows', () => {
    for (let n = 0; n <= SIZE; n += 1) {
      const grown = grow(n);
      const expected = frontierOf(n).map((ref) => `${ref.level}:${ref.index}`);
      const resumed = new Map(frontierOf(n).map((ref) => [ref.level, grown.lookup(ref)]));
      expect([...grown.frontier.keys()].sort()).toEqual(frontierOf(n).map((ref) => ref.level).sort());
      expect(expected.every((key) => grown.nodes.has(key))).toBe(true);
      expect([...resumed.entries()].every(([level, hash]) => grown.frontier.get(level)?.equals(hash))).toBe(true);
    }
  });

  it('refuses sizes out of range', () => {
    expect(() => inclusionRanges(5, 5)).toThrow(RangeError);
    expect(() => consistencyRanges(6, 5)).toThrow(RangeError);
    expect(verifyInclusion(5, 5, leaves[0], [], EMPTY_ROOT)).toBe(false);
  });
});
