// The RFC 6962 / RFC 9162 Merkle tree of the ledger (SPEC.md §4 hashes, §5 tree and proofs):
// leaf and node hashes, the root of a growing list of leaves in O(log n) memory, inclusion and
// consistency proof checks, and the root of a prefix read off an inclusion proof (SPEC.md
// §6.2, for fork proofs).

import { hashFromHex, toHex, bytesEqual, utf8 } from './bytes.js';
import { sha256Sync, sha256Room, sha256Scratch } from './sha256.js';
import { VerifyError } from './errors.js';

/** SHA-256(0x00 || leaf), synchronously. */
export function leafHashSync(leaf) {
  const bytes = typeof leaf === 'string' ? utf8(leaf) : leaf;
  const b = sha256Room(bytes.length + 1);
  b[0] = 0;
  b.set(bytes, 1);
  return sha256Scratch(bytes.length + 1);
}

/** SHA-256(0x01 || left || right), synchronously. */
export function nodeHashSync(left, right) {
  // A 65-byte view, so that odd-sized inputs behave as with a 65-byte buffer (too long: RangeError).
  const b = sha256Room(65).subarray(0, 65);
  if (left.length !== 32 || right.length !== 32) b.fill(0);
  b[0] = 1;
  b.set(left, 1);
  b.set(right, 33);
  return sha256Scratch(65);
}

/** SHA-256(0x00 || leaf), as 32 bytes. */
export async function leafHash(leaf) {
  return leafHashSync(leaf);
}

/** SHA-256(0x01 || left || right). */
export async function nodeHash(left, right) {
  return nodeHashSync(left, right);
}

export async function emptyRoot() {
  return sha256Sync(new Uint8Array(0));
}

/** The Merkle root of a growing list of leaf hashes, in O(log n) memory. */
export class CompactTree {
  constructor() {
    this.size = 0;
    this.peaks = []; // roots of perfect subtrees, largest first
  }

  /** Adds a leaf hash (synchronous; `await tree.push(h)` also works). */
  push(leafHashBytes) {
    let h = leafHashBytes;
    let s = this.size;
    while (s % 2 === 1) {
      h = nodeHashSync(this.peaks.pop(), h);
      s = Math.floor(s / 2);
    }
    this.peaks.push(h);
    this.size += 1;
  }

  rootSync() {
    if (this.peaks.length === 0) return sha256Sync(new Uint8Array(0));
    let acc = this.peaks[this.peaks.length - 1];
    for (let i = this.peaks.length - 2; i >= 0; i--) acc = nodeHashSync(this.peaks[i], acc);
    return acc;
  }

  async root() {
    return this.rootSync();
  }
}

export async function rootOf(leafHashes) {
  const t = new CompactTree();
  for (const h of leafHashes) t.push(h);
  return t.rootSync();
}

function toBig(n, what) {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return BigInt(n);
  if (typeof n === 'string' && /^(0|[1-9][0-9]*)$/.test(n)) return BigInt(n);
  throw new VerifyError('proof', `${what} is not a non-negative integer`);
}

function proofHashes(proof) {
  if (proof === null || proof === undefined) return [];
  if (!Array.isArray(proof)) throw new VerifyError('proof', 'proof is not a list of hashes');
  return proof.map((p) => {
    if (p instanceof Uint8Array && p.length === 32) return p;
    const b = hashFromHex(p);
    if (!b) throw new VerifyError('proof', 'proof hash is not 64 lower-case hex digits');
    return b;
  });
}

function asHash(h, what, opaque = false) {
  // Node hashes are exactly 32 bytes; roots given as bytes are compared as opaque values.
  if (h instanceof Uint8Array && (opaque || h.length === 32)) return h;
  const b = hashFromHex(h);
  if (!b) throw new VerifyError('proof', `${what} is not a hash`);
  return b;
}

/**
 * Verifies that `leaf` (32-byte hash or hex) is leaf `index` of the tree of `size` leaves with
 * `root` (RFC 9162 §2.1.3.2). Throws VerifyError with code 'proof' when not.
 */
export async function verifyInclusion(index, size, leaf, proof, root) {
  const idx = toBig(index, 'index');
  const n = toBig(size, 'size');
  const hashes = proofHashes(proof);
  const leafB = asHash(leaf, 'leaf hash');
  const rootB = asHash(root, 'root', true);
  if (idx >= n) throw new VerifyError('proof', `index ${idx} is not inside a tree of ${n} entries`);
  let fn = idx;
  let sn = n - 1n;
  let r = leafB;
  for (const p of hashes) {
    if (sn === 0n) throw new VerifyError('proof', 'inclusion proof is too long');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHashSync(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHashSync(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new VerifyError('proof', 'inclusion proof is too short');
  if (!bytesEqual(r, rootB)) throw new VerifyError('proof', 'inclusion proof does not lead to the signed root');
}

/**
 * Verifies that the tree of `size1` leaves with `root1` is a prefix of the tree of `size2`
 * leaves with `root2` (RFC 9162 §2.1.4.2). Throws VerifyError with code 'proof' when not.
 */
export async function verifyConsistency(size1, size2, root1, root2, proof) {
  const n1 = toBig(size1, 'size1');
  const n2 = toBig(size2, 'size2');
  const hashes = proofHashes(proof);
  const r1 = asHash(root1, 'old root', true);
  const r2 = asHash(root2, 'new root', true);
  if (n1 > n2) throw new VerifyError('proof', `the older size ${n1} is larger than the newer size ${n2}`);
  if (n1 === 0n) throw new VerifyError('proof', 'a consistency proof from the empty tree is meaningless');
  if (n1 === n2) {
    if (hashes.length !== 0) throw new VerifyError('proof', 'consistency proof between equal sizes must be empty');
    if (!bytesEqual(r1, r2)) throw new VerifyError('proof', 'two different roots for the same size');
    return;
  }
  if (hashes.length === 0) throw new VerifyError('proof', 'consistency proof is empty');
  const path = [];
  if ((n1 & (n1 - 1n)) === 0n) path.push(r1);
  path.push(...hashes);
  let fn = n1 - 1n;
  let sn = n2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new VerifyError('proof', 'consistency proof is too long');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHashSync(c, fr);
      sr = nodeHashSync(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHashSync(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new VerifyError('proof', 'consistency proof is too short');
  if (!bytesEqual(fr, r1)) throw new VerifyError('proof', 'consistency proof does not lead to the old root');
  if (!bytesEqual(sr, r2)) throw new VerifyError('proof', 'consistency proof does not lead to the new root');
}

// ---------------------------------------------------------------------------------------
// The root of a prefix, from an inclusion proof of its last leaf

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with `root` (RFC 9162
 * §2.1.3.2) and returns the root (hex) of the tree of the first `index + 1` leaves, which the
 * same proof determines: it is the leaf folded with the proof's left-hand siblings only (the
 * right-hand ones lie beyond the prefix). A signed root and a verified proof thus commit the
 * log to that prefix root; if it differs from a root the log signed earlier for `index + 1`
 * leaves, the two signed checkpoints cannot both be honest.
 *
 * Throws VerifyError('proof') when the inclusion proof does not verify.
 */
export async function prefixRootFromInclusion(index, size, leafHash, proof, root) {
  await verifyInclusion(index, size, leafHash, proof, root);
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let prefix = hashFromHex(leafHash);
  for (const hex of proof) {
    const p = hashFromHex(hex);
    if ((fn & 1n) === 1n || fn === sn) {
      prefix = nodeHashSync(p, prefix);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return toHex(prefix);
}
