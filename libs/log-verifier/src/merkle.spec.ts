import { createHash } from 'node:crypto';
import { MTH, PATH, PROOF } from '../testing/rfc9162-reference';
import { EMPTY_TREE_ROOT, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle';

const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaves = (count: number, tag = 'event') => Array.from({ length: count }, (_, i) => h(Buffer.from(`${tag} ${i}`)));
const flipped = (proof: Buffer[], at: number) => proof.map((hash, i) => (i === at ? Buffer.from(hash.map((byte, j) => (j === 7 ? byte ^ 0x01 : byte))) : hash));

/** Expected roots and proofs come from the RFC's recursive definitions (testing/rfc9162-reference.ts), not from the code under test. */
describe('RFC 9162 verification against the recursive definition', () => {
  const N = 40;
  const d = leaves(N);
  const roots = Array.from({ length: N + 1 }, (_, n) => MTH(d.slice(0, n)));

  it('hashes leaves and nodes with the domain-separation bytes, and the empty tree as SHA-256 of nothing', () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash(d[0])).toEqual(h(Buffer.from([0]), d[0]));
    expect(nodeHash(d[0], d[1])).toEqual(h(Buffer.from([1]), d[0], d[1]));
    expect(roots[2]).toEqual(nodeHash(leafHash(d[0]), leafHash(d[1])));
  });

  it('proves inclusion of every leaf in every tree of 1 to 40 leaves', () => {
    let checked = 0;
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        expect(verifyInclusion(m, n, leafHash(d[m]), PATH(m, d.slice(0, n)), roots[n])).toEqual({ valid: true });
        checked += 1;
      }
    }
    expect(checked).toBe((N * (N + 1)) / 2);
  });

  it('refuses a flipped proof byte, a tampered leaf, another index and another tree size', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const proof = PATH(m, d.slice(0, n));
        const leaf = leafHash(d[m]);
        for (let at = 0; at < proof.length; at++) expect(verifyInclusion(m, n, leaf, flipped(proof, at), roots[n]).valid).toBe(false);
        // A tampered event has another leaf hash: its old proof no longer leads to the root.
        expect(verifyInclusion(m, n, leafHash(h(Buffer.from('tampered'), d[m])), proof, roots[n]).valid).toBe(false);
        const otherIndices = Array.from({ length: n }, (_, other) => other).filter((other) => other !== m);
        expect(otherIndices.filter((other) => verifyInclusion(other, n, leaf, proof, roots[n]).valid)).toEqual([]);
        // The proof of another tree (its own root with it) does not hold for this one.
        for (const size of [n - 1, n + 1]) if (size > m && size <= N) expect(verifyInclusion(m, size, leaf, proof, roots[size]).valid).toBe(false);
        expect(verifyInclusion(m, n, leaf, [...proof, roots[n]], roots[n]).valid).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(m, n, leaf, proof.slice(0, -1), roots[n]).valid).toBe(false);
      }
    }
    expect(verifyInclusion(5, 5, leafHash(d[5]), [], roots[5])).toEqual({ valid: false, reason: 'leaf index 5 is not in a tree of 5 leaves' });
    expect(verifyInclusion(0, 0, leafHash(d[0]), [], EMPTY_TREE_ROOT).valid).toBe(false);
  });

  it('proves consistency for every pair of sizes 1 <= m <= n <= 40', () => {
    let checked = 0;
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = PROOF(m, d.slice(0, n));
        expect(verifyConsistency(m, n, roots[m], roots[n], proof)).toEqual({ valid: true });
        checked += 1;
      }
    }
    expect(checked).toBe((N * (N + 1)) / 2);
    expect(verifyConsistency(0, 17, EMPTY_TREE_ROOT, roots[17], [])).toEqual({ valid: true });
  });

  it('refuses flipped proof bytes, other sizes, a shrinking log and a rewritten history', () => {
    for (let n = 2; n <= N; n++) {
      for (let m = 1; m < n; m++) {
        const proof = PROOF(m, d.slice(0, n));
        for (let at = 0; at < proof.length; at++) expect(verifyConsistency(m, n, roots[m], roots[n], flipped(proof, at)).valid).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, roots[m - 1], roots[n], proof).valid).toBe(false);
        if (m + 1 < n) expect(verifyConsistency(m + 1, n, roots[m + 1], roots[n], proof).valid).toBe(false);
        expect(verifyConsistency(m, n, roots[m], roots[n], proof.slice(0, -1)).valid).toBe(false);
        expect(verifyConsistency(m, n, roots[m], roots[n], [...proof, roots[n]]).valid).toBe(false);
        expect(verifyConsistency(n, m, roots[n], roots[m], proof).valid).toBe(false);
      }
    }
    // History rewritten: one early event changed, then the log grown on top of it. The new tree's own proof
    // does not link it to the root the auditor kept, whichever event was changed.
    for (let changed = 0; changed < 25; changed++) {
      const rewritten = d.map((leaf, i) => (i === changed ? h(Buffer.from('rewritten'), leaf) : leaf));
      const newRoot = MTH(rewritten);
      expect(verifyConsistency(25, N, roots[25], newRoot, PROOF(25, rewritten)).valid).toBe(false);
      expect(verifyConsistency(25, N, roots[25], newRoot, PROOF(25, d)).valid).toBe(false);
    }
    expect(verifyConsistency(40, 40, roots[40], roots[40], [])).toEqual({ valid: true });
    expect(verifyConsistency(40, 40, roots[40], MTH(leaves(40, 'other')), [])).toEqual({ valid: false, reason: 'two trees of 40 leaves with different roots' });
    expect(verifyConsistency(40, 40, roots[40], roots[40], [roots[40]]).valid).toBe(false);
    expect(verifyConsistency(41, 40, roots[40], roots[40], []).valid).toBe(false);
    expect(verifyConsistency(3, 7, roots[3], roots[7], []).valid).toBe(false);
  });

  it('halves sizes beyond 32 bits without losing bits', () => {
    // A tree of 2^33 + 1 leaves: the last leaf's path is the one root of the first 2^33 leaves.
    const big = 2 ** 33;
    const left = h(Buffer.from('left'));
    const last = leafHash(d[0]);
    expect(verifyInclusion(big, big + 1, last, [left], nodeHash(left, last))).toEqual({ valid: true });
    expect(verifyConsistency(big, big + 1, left, nodeHash(left, last), [last])).toEqual({ valid: true });
  });
});
