import { createHash } from 'node:crypto';

// RFC 9162 section 2.1 as pure functions over "ranges" of leaves. A stored tree keeps every complete,
// aligned subtree (level L, index i covers leaves [i·2^L, (i+1)·2^L)); every hash the RFC's recursions ask
// for, MTH(D[a:b]), is the right fold of at most log2(n) such subtrees. So a proof or a root is: the ranges
// the recursion needs (pure), the subtrees they are made of (pure), one read of those rows, then hashing.

/** A complete, aligned subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a leaf's hash. */
export interface SubtreeRef {
  level: number;
  index: number;
}

/** Leaves [start, end) of the tree. */
export interface LeafRange {
  start: number;
  end: number;
}

/** Looks up a stored subtree hash (the store fetches them first; see `subtreesNeeded`). */
export type SubtreeLookup = (ref: SubtreeRef) => Buffer;

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = sha256();

/** RFC 9162 leaf hash: SHA-256(0x00 || leaf). */
export const leafHashOf = (leaf: Buffer): Buffer => sha256(LEAF_PREFIX, leaf);

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export const nodeHashOf = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

/** The largest power of two strictly below n (n ≥ 2). Arithmetic, not bit operations: sizes pass 2^31. */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const assertSize = (name: string, value: number): void => {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
};

/**
 * The complete aligned subtrees that make up [start, end), left to right: at each point the largest block
 * aligned there that still fits. For the ranges RFC 9162's recursions produce, they shrink left to right
 * and the range's MTH is their right fold (`hashOfRange`).
 */
export const subtreesOfRange = ({ start, end }: LeafRange): SubtreeRef[] => {
  const refs: SubtreeRef[] = [];
  let at = start;
  while (at < end) {
    let size = 1;
    let level = 0;
    while (at % (size * 2) === 0 && at + size * 2 <= end) {
      size *= 2;
      level += 1;
    }
    refs.push({ level, index: at / size });
    at += size;
  }
  return refs;
};

/** MTH(D[start:end]) from stored subtrees (RFC 9162 2.1.1); the empty range hashes to `EMPTY_ROOT`. */
export const hashOfRange = (range: LeafRange, lookup: SubtreeLookup): Buffer => {
  const refs = subtreesOfRange(range);
  if (refs.length === 0) return EMPTY_ROOT;
  let hash = lookup(refs[refs.length - 1]);
  for (let index = refs.length - 2; index >= 0; index -= 1) hash = nodeHashOf(lookup(refs[index]), hash);
  return hash;
};

/** The range of the tree of size n: its root is `hashOfRange(rootRange(n))`. */
export const rootRange = (treeSize: number): LeafRange => ({ start: 0, end: treeSize });

/**
 * RFC 9162 2.1.3.1 PATH(m, D[n]) as the ranges whose MTH form the audit path, leaf to root:
 * PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, else PATH(m − k, D[k:n]) : MTH(D[0:k]).
 */
export const inclusionRanges = (leafIndex: number, treeSize: number): LeafRange[] => {
  assertSize('treeSize', treeSize);
  assertSize('leafIndex', leafIndex);
  if (leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  const path: LeafRange[] = [];
  let start = 0;
  let end = treeSize;
  let m = leafIndex;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push({ start: start + k, end });
      end = start + k;
    } else {
      path.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  return path.reverse();
};

/**
 * RFC 9162 2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as ranges, in the RFC's order. Empty when
 * m = 0 or m = n (nothing to prove).
 */
export const consistencyRanges = (fromSize: number, toSize: number): LeafRange[] => {
  assertSize('from', fromSize);
  assertSize('to', toSize);
  if (fromSize > toSize) throw new RangeError(`from (${fromSize}) is larger than to (${toSize})`);
  if (fromSize === 0 || fromSize === toSize) return [];
  const proof: LeafRange[] = [];
  let start = 0;
  let end = toSize;
  let m = fromSize;
  let complete = true;
  // SUBPROOF(m, D[start:end], complete), unrolled: each step adds the sibling range, the recursion's tail.
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!complete) proof.push({ start, end });
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      proof.push({ start: start + k, end });
      end = start + k;
    } else {
      proof.push({ start, end: start + k });
      start += k;
      m -= k;
      complete = false;
    }
  }
  return proof.reverse();
};

/** Every subtree the given ranges are made of, without repeats: what the store reads in one query. */
export const subtreesNeeded = (ranges: readonly LeafRange[]): SubtreeRef[] => {
  const seen = new Map<string, SubtreeRef>();
  for (const range of ranges) for (const ref of subtreesOfRange(range)) seen.set(`${ref.level}:${ref.index}`, ref);
  return [...seen.values()];
};

/**
 * Extends a tree leaf by leaf, returning every subtree each new leaf completes (the leaf itself at level 0,
 * then each parent it closes). `frontier` holds the waiting left siblings of a tree of `size` leaves (see
 * `frontierOf`); it is updated in place.
 */
export const appendLeaf = (size: number, leafHash: Buffer, frontier: Map<number, Buffer>): Array<SubtreeRef & { hash: Buffer }> => {
  const completed: Array<SubtreeRef & { hash: Buffer }> = [{ level: 0, index: size, hash: leafHash }];
  let level = 0;
  let index = size;
  let hash = leafHash;
  while (index % 2 === 1) {
    const left = frontier.get(level);
    if (!left) throw new Error(`the tree's frontier lacks the subtree at level ${level}`);
    frontier.delete(level);
    hash = nodeHashOf(left, hash);
    level += 1;
    index = (index - 1) / 2;
    completed.push({ level, index, hash });
  }
  frontier.set(level, hash);
  return completed;
};

/** The subtrees a tree of `size` leaves keeps waiting for a right sibling: one per level whose count is odd. */
export const frontierOf = (size: number): SubtreeRef[] => {
  const refs: SubtreeRef[] = [];
  let level = 0;
  let width = 1;
  while (width <= size) {
    const count = Math.floor(size / width);
    if (count % 2 === 1) refs.push({ level, index: count - 1 });
    level += 1;
    width *= 2;
  }
  return refs;
};

/** RFC 9162 2.1.3.2: does `proof` prove leaf `leafIndex` (its leaf hash) in the tree of `treeSize` with `root`? */
export const verifyInclusion = (leafIndex: number, treeSize: number, leafHash: Buffer, proof: readonly Buffer[], root: Buffer): boolean => {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHashOf(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHashOf(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
};

/** RFC 9162 2.1.4.2: does `proof` show the tree of `fromSize` (`fromRoot`) is a prefix of the tree of `toSize` (`toRoot`)? */
export const verifyConsistency = (fromSize: number, toSize: number, fromRoot: Buffer, toRoot: Buffer, proof: readonly Buffer[]): boolean => {
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 0 || fromSize > toSize) return false;
  if (fromSize === toSize) return proof.length === 0 && fromRoot.equals(toRoot);
  if (fromSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = [...proof];
  // When the old tree is a complete subtree, its root is the proof's implicit first element.
  if (isPowerOfTwo(fromSize)) path = [fromRoot, ...path];
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHashOf(c, fr);
      sr = nodeHashOf(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHashOf(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
};

const isPowerOfTwo = (n: number): boolean => {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
};
