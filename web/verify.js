// fundtrail independent verifier.
//
// Pure functions over bytes, usable from the browser and from Node >= 20. It shares no code
// with the server: it re-implements, from the format description, the canonical leaf form,
// the entry rules, the hash chain, the RFC 6962 Merkle tree and its proofs, C2SP signed-note
// checkpoints with Ed25519, and the published totals. Money is BigInt throughout.
//
// SHA-256 and Ed25519 come from WebCrypto (globalThis.crypto.subtle).

import { CURRENCIES, formatMinor } from './amount.js';

const subtle = () => {
  const c = globalThis.crypto;
  if (!c || !c.subtle) throw new Error('this browser has no WebCrypto (crypto.subtle); open the page over https or localhost');
  return c.subtle;
};

const te = new TextEncoder();
// ignoreBOM keeps a byte-order mark in the text: a leaf that starts with one is not the
// canonical JSON of an entry (as in the Rust verifier), so it must not be silently dropped.
const tdFatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------------------------------
// Errors

/** Any verification failure. `seq` is set when one entry is at fault. */
export class VerifyError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
    Object.assign(this, extra);
  }
}

function entryError(seq, code, problem, extra = {}) {
  return new VerifyError(code, `entry ${seq}: ${problem}`, { seq, problem, ...extra });
}

// ---------------------------------------------------------------------------------------
// Bytes, hex, base64, UTF-8

export function utf8(s) {
  return te.encode(s);
}

export function decodeUtf8(bytes) {
  return tdFatal.decode(bytes);
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTE[bytes[i]];
  return s;
}

const HEX64 = /^[0-9a-f]{64}$/;
const hexDigit = (c) => (c <= 0x39 ? c - 0x30 : c - 0x57); // after HEX64: 0-9, a-f only

/** Exactly 64 lower-case hex digits -> 32 bytes, or null. */
export function hashFromHex(text) {
  if (typeof text !== 'string' || !HEX64.test(text)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (hexDigit(text.charCodeAt(2 * i)) << 4) | hexDigit(text.charCodeAt(2 * i + 1));
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export function toBase64(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

/** Strict standard base64 (padding required, no stray bits), or null. */
export function fromBase64(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - pad);
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of body) {
    const v = B64_INDEX.get(ch);
    if (v === undefined) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  if (acc !== 0 || o !== out.length) return null; // non-zero padding bits
  return out;
}

function concat(...parts) {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// Hashing (RFC 6962 / RFC 9162 §2.1)
//
// Leaf and node hashes use the synchronous SHA-256 below (FIPS 180-4): one awaited WebCrypto
// digest per leaf and per tree node made "Verify everything" wait on hundreds of thousands of
// promises. It is checked against WebCrypto on random inputs by tests/web/verify.test.mjs.
// `sha256` (key ids, receipts, evidence) still uses WebCrypto.

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', bytes));
}

const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const sha256W = new Int32Array(64);
const sha256H = new Int32Array(8);
let sha256Buf = new Uint8Array(1024);

/** Hashes sha256Buf[0..len) (the buffer must have room for the padding) into a new Uint8Array. */
function sha256Scratch(len) {
  const padded = (len + 9 + 63) & ~63;
  const b = sha256Buf;
  b[len] = 0x80;
  b.fill(0, len + 1, padded - 8);
  // Bit length, big-endian in the last 8 bytes (lengths here are far below 2^53 bits).
  const bits = len * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  b[padded - 8] = hi >>> 24;
  b[padded - 7] = hi >>> 16;
  b[padded - 6] = hi >>> 8;
  b[padded - 5] = hi;
  b[padded - 4] = lo >>> 24;
  b[padded - 3] = lo >>> 16;
  b[padded - 2] = lo >>> 8;
  b[padded - 1] = lo;
  const w = sha256W;
  const k = SHA256_K;
  let h0 = 0x6a09e667 | 0;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372 | 0;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f | 0;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab | 0;
  let h7 = 0x5be0cd19 | 0;
  for (let off = 0; off < padded; off += 64) {
    for (let t = 0; t < 16; t++) {
      const j = off + 4 * t;
      w[t] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15];
      const y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h0;
    let bb = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = g ^ (e & (f ^ g)); // (e & f) ^ (~e & g)
      const t1 = (h + S1 + ch + k[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) | (c & (a | bb)); // (a & b) ^ (a & c) ^ (b & c)
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  const H = sha256H;
  H[0] = h0; H[1] = h1; H[2] = h2; H[3] = h3; H[4] = h4; H[5] = h5; H[6] = h6; H[7] = h7;
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = H[i];
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = v >>> 16;
    out[4 * i + 2] = v >>> 8;
    out[4 * i + 3] = v;
  }
  return out;
}

/** Makes sure the scratch buffer holds `len` bytes plus padding. */
function sha256Room(len) {
  const need = len + 72;
  if (sha256Buf.length < need) {
    let n = sha256Buf.length;
    while (n < need) n *= 2;
    sha256Buf = new Uint8Array(n);
  }
  return sha256Buf;
}

/** SHA-256 of `bytes` (Uint8Array), computed synchronously in JavaScript. */
export function sha256Sync(bytes) {
  sha256Room(bytes.length).set(bytes, 0);
  return sha256Scratch(bytes.length);
}

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
// Money

// The currency table and money formatting live in amount.js (shared with the staff console).
export { CURRENCIES, formatMinor as formatMoney };

const U64_MAX = (1n << 64n) - 1n;

/** A canonical total (decimal digits, no leading zero) as BigInt, or null. */
export function parseTotal(text) {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)$/.test(text)) return null;
  return BigInt(text);
}

// ---------------------------------------------------------------------------------------
// Strict JSON (numbers kept as their text, duplicate keys rejected, no lone surrogates)

class JNum {
  constructor(text) {
    this.text = text;
  }
}

class JsonError extends Error {}

const SIMPLE_ESCAPES = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

const isDigit = (c) => c >= 0x30 && c <= 0x39;

/**
 * Parses `text`. Returns {value, plain}: `plain` is true when the text has no whitespace
 * between tokens, no escape in any string and every object's keys in ascending (UTF-16) order;
 * such a text is then exactly canonicalJson(value) (numbers are kept as their text, and a
 * string without escapes is written by JSON.stringify as it stands, as long as it holds no
 * lone surrogate — see decodeLeaf).
 */
function parseJson(text) {
  let i = 0;
  const n = text.length;
  let plain = true;
  const ws = () => {
    const from = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
    if (i !== from) plain = false;
  };
  const fail = (what) => {
    throw new JsonError(`${what} at character ${i}`);
  };
  const hex4 = () => {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('invalid \\u escape');
    i += 4;
    return parseInt(h, 16);
  };
  const string = () => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        plain = false;
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        const simple = SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          start = i;
          continue;
        }
        if (e !== 'u') fail('invalid escape');
        const u = hex4();
        if (u >= 0xd800 && u <= 0xdbff) {
          if (text[i] !== '\\' || text[i + 1] !== 'u') fail('lone leading surrogate in hex escape');
          i += 2;
          const lo = hex4();
          if (lo < 0xdc00 || lo > 0xdfff) fail('invalid trailing surrogate in hex escape');
          out += String.fromCharCode(u, lo);
        } else if (u >= 0xdc00 && u <= 0xdfff) {
          fail('lone trailing surrogate in hex escape');
        } else {
          out += String.fromCharCode(u);
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? within the next 400 characters, or null.
  const number = () => {
    const end = Math.min(n, i + 400);
    let j = i;
    if (j < end && text.charCodeAt(j) === 0x2d) j++;
    if (j >= end) return null;
    const d = text.charCodeAt(j);
    if (d === 0x30) {
      j++;
    } else if (d >= 0x31 && d <= 0x39) {
      j++;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    } else {
      return null;
    }
    if (j + 1 < end && text.charCodeAt(j) === 0x2e && isDigit(text.charCodeAt(j + 1))) {
      j += 2;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    }
    if (j < end && (text.charCodeAt(j) | 0x20) === 0x65) {
      let k = j + 1;
      if (k < end && (text.charCodeAt(k) === 0x2b || text.charCodeAt(k) === 0x2d)) k++;
      if (k < end && isDigit(text.charCodeAt(k))) {
        k++;
        while (k < end && isDigit(text.charCodeAt(k))) k++;
        j = k;
      }
    }
    return text.slice(i, j);
  };
  const value = (depth) => {
    if (depth > 32) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      let prev = null;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = string();
        if (m.has(k)) fail(`duplicate field \`${k}\``);
        if (prev !== null && !(prev < k)) plain = false;
        prev = k;
        ws();
        if (text[i] !== ':') fail('expected `:`');
        i++;
        m.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail('expected `,` or `}`');
      }
    }
    if (c === '[') {
      i++;
      const a = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail('expected `,` or `]`');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const num = number();
    if (num !== null) {
      i += num.length;
      return new JNum(num);
    }
    fail('expected a value');
    return undefined;
  };
  const v = value(0);
  ws();
  if (i !== n) fail('trailing characters');
  return { value: v, plain };
}

/** RFC 8785 form of a value produced by parseJson (integers only, as their text). */
function canonicalJson(v) {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JNum) return v.text;
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v.get(k))}`).join(',')}}`;
  }
  throw new Error('not a JSON value');
}

/** Canonical JSON (sorted keys, JSON.stringify escaping) of a plain JS value; BigInt as integer. */
export function canonicalize(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('only integers are allowed in canonical JSON here');
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalize).join(',')}]`;
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(v[k])}`).join(',')}}`;
}

// ---------------------------------------------------------------------------------------
// Entries: typed decoding with the same rules as the format (deny unknown fields, etc.)

const MAX_SHORT = 200;
const MAX_LONG = 2000;

class Malformed extends Error {}

function typeName(v) {
  if (v === null) return 'null';
  if (v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'a sequence';
  if (v instanceof JNum) return `number ${v.text}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `boolean ${v}`;
}

const T = {
  str: (v, f) => {
    if (typeof v !== 'string') throw new Malformed(`invalid type: ${typeName(v)}, expected a string for \`${f}\``);
    return v;
  },
  u64: (v, f) => {
    if (!(v instanceof JNum) || !/^(0|[1-9][0-9]*)$/.test(v.text) || (v.text.length > 15 && BigInt(v.text) > U64_MAX)) {
      throw new Malformed(`invalid value: ${typeName(v)}, expected u64 for \`${f}\``);
    }
    if (v.text.length <= 15) return Number(v.text); // below 10^15, so a safe integer
    const b = BigInt(v.text);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  },
  hash: (v, f) => {
    if (typeof v !== 'string' || !HEX64.test(v)) throw new Malformed(`\`${f}\`: ${typeName(v)} is not 64 lower-case hex digits`);
    return v;
  },
  minor: (v, f) => {
    if (typeof v !== 'string') throw new Malformed(`invalid type: ${typeName(v)}, expected a string of minor units for \`${f}\``);
    // Below 20 digits a count is below 10^19 < 2^64, so only longer ones go through BigInt.
    if (!/^[1-9][0-9]*$/.test(v) || (v.length > 19 && BigInt(v) > U64_MAX)) {
      throw new Malformed(`\`${f}\`: amount ${JSON.stringify(v)} is not a positive count of minor units without leading zeros`);
    }
    return v;
  },
  currency: (v, f) => {
    if (typeof v !== 'string' || !Object.hasOwn(CURRENCIES, v)) {
      throw new Malformed(`\`${f}\`: unknown currency ${typeName(v)} (expected an ISO 4217 code such as VND or USD)`);
    }
    return v;
  },
  oneOf: (...allowed) => (v, f) => {
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new Malformed(`\`${f}\`: unknown variant ${typeName(v)}, expected one of ${allowed.join(', ')}`);
    }
    return v;
  },
  arrayOf: (item) => (v, f) => {
    if (!Array.isArray(v)) throw new Malformed(`invalid type: ${typeName(v)}, expected a sequence for \`${f}\``);
    return v.map((x) => item(x, f));
  },
  struct: (spec) => (v, f) => struct(spec, v, f),
};

function opt(check) {
  const c = (v, f) => {
    if (v === null) throw new Malformed(`\`${f}\` is null; an absent optional field is left out`);
    return check(v, f);
  };
  c.optional = true;
  return c;
}

// Per spec: its fields in order, and each field's name as passed to its check, per `where`.
const compiledSpecs = new WeakMap();

function compiledSpec(spec) {
  let c = compiledSpecs.get(spec);
  if (!c) {
    c = { entries: Object.entries(spec), names: new Map() };
    compiledSpecs.set(spec, c);
  }
  return c;
}

function fieldNames(c, where) {
  let names = c.names.get(where);
  if (!names) {
    names = c.entries.map(([k]) => (where ? `${where}.${k}` : k));
    c.names.set(where, names);
  }
  return names;
}

function struct(spec, v, where) {
  if (!(v instanceof Map)) throw new Malformed(`invalid type: ${typeName(v)}, expected a map${where ? ` for \`${where}\`` : ''}`);
  for (const k of v.keys()) {
    if (!Object.hasOwn(spec, k)) throw new Malformed(`unknown field \`${k}\`${where ? ` in \`${where}\`` : ''}, expected one of ${Object.keys(spec).map((x) => `\`${x}\``).join(', ')}`);
  }
  const c = compiledSpec(spec);
  const { entries } = c;
  const names = fieldNames(c, where);
  const out = {};
  for (let i = 0; i < entries.length; i++) {
    const [k, check] = entries[i];
    const x = v.get(k);
    if (x === undefined) {
      // parseJson never produces undefined, so this is exactly "not in the map".
      if (check.optional) continue;
      throw new Malformed(`missing field \`${k}\`${where ? ` in \`${where}\`` : ''}`);
    }
    out[k] = check(x, names[i]);
  }
  return out;
}

const ACCOUNT = { bank: T.str, holder: T.str, number: T.str };
const EVIDENCE = { media_type: T.str, name: opt(T.str), sha256: T.hash, size: T.u64 };
const BODIES = {
  'campaign.open': {
    accounts: T.arrayOf(T.struct(ACCOUNT)), currency: T.currency, ends_on: opt(T.str), goal: opt(T.minor),
    id: T.str, purpose: T.str, title: T.str,
  },
  'campaign.close': { campaign: T.str, note: opt(T.str) },
  donation: {
    amount: T.minor, campaign: T.str,
    channel: T.oneOf('bank_transfer', 'cash', 'card', 'mobile_money', 'in_kind', 'other'),
    commitment: opt(T.hash), currency: T.currency, donor: T.str, in_kind: opt(T.struct({ description: T.str })),
    memo: opt(T.str), received_at: T.str, reference: opt(T.str),
  },
  disbursement: {
    amount: T.minor, campaign: T.str, currency: T.currency, evidence: T.arrayOf(T.struct(EVIDENCE)),
    paid_at: T.str, purpose: T.str, recipient: T.str,
  },
  transfer: { amount: T.minor, currency: T.currency, from: T.str, reason: T.str, to: T.str },
  reversal: { note: opt(T.str), reason: T.oneOf('refund', 'duplicate', 'error'), reverses: T.u64 },
};
export const KINDS = Object.freeze(Object.keys(BODIES));

const ENVELOPE = {
  body: (v) => v, kind: T.str, prev: T.hash, recorded_at: T.str, recorded_by: T.str, seq: T.u64, v: T.u64,
};

// Unicode White_Space (what Rust's str::trim removes) and general category Cc.
const WHITE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_NEWLINE = /[\0-\t\v-\x1f\x7f-\x9f]/;

class FieldError extends Error {
  constructor(field, problem) {
    super(`${field}: ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}

// Code points never outnumber UTF-16 units, so only a string longer than `max` units is counted.
const longerThan = (value, max) => value.length > max && [...value].length > max;

function text(field, value, max, newlines) {
  if (WHITE.test(value)) throw new FieldError(field, 'must not be empty');
  if (longerThan(value, max)) throw new FieldError(field, `longer than ${max} characters`);
  if ((newlines ? CONTROL_BUT_NEWLINE : CONTROL).test(value)) throw new FieldError(field, 'contains control characters');
}
const short = (f, v) => text(f, v, MAX_SHORT, false);
const long = (f, v) => text(f, v, MAX_LONG, true);
const optShort = (f, v) => v !== undefined && short(f, v);
const optLong = (f, v) => v !== undefined && long(f, v);

export function isSlug(s) {
  return typeof s === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(s);
}

function slug(field, v) {
  if (!isSlug(v)) throw new FieldError(field, "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit");
}

function validDate(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

export function isDate(s) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  return !!m && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isRecordedAt(s) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{6}Z$/.exec(s);
  return !!m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))
    && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
}

function date(field, v) {
  if (!isDate(v)) throw new FieldError(field, 'must be a date written YYYY-MM-DD');
}

function mediaType(field, v) {
  const token = /^[A-Za-z0-9!#$&\-^_.+]+$/;
  const k = v.indexOf('/');
  const ok = utf8(v).length <= 100 && k >= 0 && token.test(v.slice(0, k)) && token.test(v.slice(k + 1));
  if (!ok) throw new FieldError(field, 'must be a media type such as application/pdf');
}

function validateBody(kind, b) {
  switch (kind) {
    case 'campaign.open':
      slug('id', b.id);
      short('title', b.title);
      long('purpose', b.purpose);
      if (b.ends_on !== undefined) date('ends_on', b.ends_on);
      if (b.accounts.length > 20) throw new FieldError('accounts', 'at most 20 accounts');
      for (const a of b.accounts) {
        short('accounts.bank', a.bank);
        short('accounts.number', a.number);
        short('accounts.holder', a.holder);
      }
      break;
    case 'campaign.close':
      slug('campaign', b.campaign);
      optLong('note', b.note);
      break;
    case 'donation':
      slug('campaign', b.campaign);
      date('received_at', b.received_at);
      short('donor', b.donor);
      optShort('reference', b.reference);
      optLong('memo', b.memo);
      if (b.channel === 'in_kind') {
        if (b.in_kind === undefined) throw new FieldError('in_kind', 'an in_kind donation needs in_kind.description');
        long('in_kind.description', b.in_kind.description);
      } else if (b.in_kind !== undefined) {
        throw new FieldError('in_kind', 'only allowed when channel is in_kind');
      }
      break;
    case 'disbursement':
      slug('campaign', b.campaign);
      date('paid_at', b.paid_at);
      short('recipient', b.recipient);
      long('purpose', b.purpose);
      if (b.evidence.length > 100) throw new FieldError('evidence', 'at most 100 documents');
      for (const e of b.evidence) {
        mediaType('evidence.media_type', e.media_type);
        optShort('evidence.name', e.name);
      }
      break;
    case 'transfer':
      slug('from', b.from);
      slug('to', b.to);
      if (b.from === b.to) throw new FieldError('to', 'must differ from `from`');
      long('reason', b.reason);
      break;
    case 'reversal':
      optLong('note', b.note);
      break;
    default:
      break;
  }
}

/**
 * Parses one leaf (bytes or string), requiring it to be exactly the canonical encoding of a
 * valid entry. Returns {seq, prev, recorded_at, recorded_by, kind, v, body}. Throws an Error
 * whose message says what is wrong (without the entry number; see Verifier for that).
 */
export function decodeLeaf(leaf, decoded) {
  let textForm;
  if (typeof leaf === 'string') {
    textForm = leaf;
  } else if (typeof decoded === 'string') {
    textForm = decoded; // decodeUtf8(leaf), already done (see splitLeafTexts)
  } else {
    try {
      textForm = decodeUtf8(leaf);
    } catch {
      throw new VerifyError('malformed', 'not a valid entry: not UTF-8');
    }
  }
  let parsed;
  let plain;
  let env;
  try {
    ({ value: parsed, plain } = parseJson(textForm));
    env = struct(ENVELOPE, parsed, '');
  } catch (e) {
    if (e instanceof JsonError || e instanceof Malformed) throw new VerifyError('malformed', `not a valid entry: ${e.message}`);
    throw e;
  }
  if (env.v !== 1) throw new VerifyError('version', `unsupported format version ${env.v}`);
  const spec = BODIES[env.kind];
  if (!spec) throw new VerifyError('unknown_kind', `unknown kind ${JSON.stringify(env.kind)}`);
  let body;
  try {
    body = struct(spec, env.body, '');
  } catch (e) {
    if (e instanceof Malformed) throw new VerifyError('malformed', `not a valid entry: body: ${e.message}`);
    throw e;
  }
  // A plain text (see parseJson) decoded from bytes is its own canonical form: the decoder
  // never yields lone surrogates. Otherwise re-encode and compare.
  if (!(plain && typeof leaf !== 'string') && canonicalJson(parsed) !== textForm) {
    throw new VerifyError('not_canonical', 'bytes are not the canonical encoding of the entry (SPEC.md §3)');
  }
  if (!isRecordedAt(env.recorded_at)) {
    throw new VerifyError('field', 'field recorded_at: must be UTC written YYYY-MM-DDTHH:MM:SS.ffffffZ', { field: 'recorded_at' });
  }
  const by = env.recorded_by;
  if (by.length === 0 || longerThan(by, MAX_SHORT) || CONTROL.test(by)) {
    throw new VerifyError('field', 'field recorded_by: must be 1-200 printable characters', { field: 'recorded_by' });
  }
  try {
    validateBody(env.kind, body);
  } catch (e) {
    if (e instanceof FieldError) {
      throw new VerifyError('field', `field body.${e.field}: ${e.problem}`, { field: `body.${e.field}` });
    }
    throw e;
  }
  return {
    seq: env.seq, prev: env.prev, recorded_at: env.recorded_at, recorded_by: env.recorded_by, kind: env.kind, v: env.v, body,
  };
}

// ---------------------------------------------------------------------------------------
// Ledger state: campaigns, running totals and invariants

const ZERO_HEX = '0'.repeat(64);

function emptyTotals() {
  return {
    donated: 0n, disbursed: 0n, transferred_in: 0n, transferred_out: 0n, reversed: 0n, balance: 0n, donations: 0, disbursements: 0,
  };
}

class InvariantError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    Object.assign(this, extra);
  }
}

export class LedgerState {
  constructor() {
    this.size = 0;
    this.lastHash = ZERO_HEX;
    this.lastRecordedAt = '';
    this.campaigns = []; // {id, title, currency, goal: BigInt|undefined, closed, totals}
    this.index = new Map();
    this.moves = new Map(); // seq -> {kind, campaign, to, amount, reversed}
  }

  campaign(id) {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.campaigns[i];
  }

  idx(id) {
    const i = this.index.get(id);
    if (i === undefined) throw new InvariantError('unknown_campaign', `campaign ${JSON.stringify(id)} does not exist`, { campaign: id });
    return i;
  }

  openCampaign(id, currency, forMoneyIn) {
    const i = this.idx(id);
    const c = this.campaigns[i];
    if (c.currency !== currency) {
      throw new InvariantError('currency_mismatch', `currency ${currency} does not match campaign ${JSON.stringify(id)}'s currency ${c.currency}`, { campaign: id });
    }
    if (c.closed && forMoneyIn) throw new InvariantError('campaign_closed', `campaign ${JSON.stringify(id)} is closed`, { campaign: id });
    return i;
  }

  take(i, t, amount) {
    if (t.balance < amount) {
      const c = this.campaigns[i];
      throw new InvariantError('insufficient_balance', `campaign ${JSON.stringify(c.id)} holds ${t.balance} minor units of ${c.currency}, ${amount} needed`, { campaign: c.id });
    }
    return t.balance - amount;
  }

  /** Checks the entry (already decoded) as the next one, then applies it. Nothing changes on error. */
  apply(entry, leafHashHex) {
    if (entry.seq !== this.size) {
      throw new InvariantError('wrong_seq', `seq is ${entry.seq}, expected ${this.size}`);
    }
    if (entry.prev !== this.lastHash) {
      throw new InvariantError('broken_link', `prev does not match the leaf hash of entry ${this.size - 1}`);
    }
    if (entry.recorded_at < this.lastRecordedAt) {
      throw new InvariantError('time_went_back', `recorded_at ${entry.recorded_at} is earlier than the previous entry's ${this.lastRecordedAt}`);
    }
    const b = entry.body;
    const seq = this.size;
    let commit;
    switch (entry.kind) {
      case 'campaign.open': {
        if (this.index.has(b.id)) throw new InvariantError('campaign_exists', `campaign ${JSON.stringify(b.id)} already exists`, { campaign: b.id });
        commit = () => {
          this.index.set(b.id, this.campaigns.length);
          this.campaigns.push({
            id: b.id, title: b.title, currency: b.currency, goal: b.goal === undefined ? undefined : BigInt(b.goal), closed: false, totals: emptyTotals(),
          });
        };
        break;
      }
      case 'campaign.close': {
        const i = this.idx(b.campaign);
        if (this.campaigns[i].closed) throw new InvariantError('campaign_closed', `campaign ${JSON.stringify(b.campaign)} is closed`, { campaign: b.campaign });
        commit = () => {
          this.campaigns[i].closed = true;
        };
        break;
      }
      case 'donation': {
        const i = this.openCampaign(b.campaign, b.currency, true);
        const amount = BigInt(b.amount);
        const t = { ...this.campaigns[i].totals };
        t.donated += amount;
        t.balance += amount;
        t.donations += 1;
        commit = () => {
          this.campaigns[i].totals = t;
          this.moves.set(seq, { kind: 'donation', campaign: i, to: i, amount, reversed: false });
        };
        break;
      }
      case 'disbursement': {
        const i = this.openCampaign(b.campaign, b.currency, true);
        const amount = BigInt(b.amount);
        const t = { ...this.campaigns[i].totals };
        t.balance = this.take(i, t, amount);
        t.disbursed += amount;
        t.disbursements += 1;
        commit = () => {
          this.campaigns[i].totals = t;
          this.moves.set(seq, { kind: 'disbursement', campaign: i, to: i, amount, reversed: false });
        };
        break;
      }
      case 'transfer': {
        const from = this.openCampaign(b.from, b.currency, false);
        const to = this.openCampaign(b.to, b.currency, true);
        const amount = BigInt(b.amount);
        const a = { ...this.campaigns[from].totals };
        const c = { ...this.campaigns[to].totals };
        a.balance = this.take(from, a, amount);
        a.transferred_out += amount;
        c.transferred_in += amount;
        c.balance += amount;
        commit = () => {
          this.campaigns[from].totals = a;
          this.campaigns[to].totals = c;
          this.moves.set(seq, { kind: 'transfer', campaign: from, to, amount, reversed: false });
        };
        break;
      }
      case 'reversal': {
        const target = b.reverses;
        if (typeof target !== 'number' || target >= this.size) {
          throw new InvariantError('unknown_entry', `entry ${target} does not exist`, { target });
        }
        const m = this.moves.get(target);
        if (!m) {
          throw new InvariantError('not_reversible', `entry ${target} cannot be reversed: only donations, disbursements and transfers can`, { target });
        }
        if (m.reversed) throw new InvariantError('already_reversed', `entry ${target} was already reversed`, { target });
        const a = { ...this.campaigns[m.campaign].totals };
        a.reversed += m.amount;
        const changes = [];
        if (m.kind === 'donation') {
          a.balance = this.take(m.campaign, a, m.amount);
          a.donated -= m.amount;
          a.donations -= 1;
          changes.push([m.campaign, a]);
        } else if (m.kind === 'disbursement') {
          a.balance += m.amount;
          a.disbursed -= m.amount;
          a.disbursements -= 1;
          changes.push([m.campaign, a]);
        } else {
          const c = { ...this.campaigns[m.to].totals };
          c.balance = this.take(m.to, c, m.amount);
          c.transferred_in -= m.amount;
          c.reversed += m.amount;
          a.balance += m.amount;
          a.transferred_out -= m.amount;
          changes.push([m.campaign, a], [m.to, c]);
        }
        commit = () => {
          for (const [i, t] of changes) this.campaigns[i].totals = t;
          m.reversed = true;
        };
        break;
      }
      default:
        throw new InvariantError('unknown_kind', `unknown kind ${JSON.stringify(entry.kind)}`);
    }
    commit();
    this.size += 1;
    this.lastHash = leafHashHex;
    this.lastRecordedAt = entry.recorded_at;
  }
}

// ---------------------------------------------------------------------------------------
// Totals

/** The published totals of a state, amounts as decimal strings (as the API serves them). */
export function totalsOf(state) {
  const cur = new Map();
  const campaigns = state.campaigns.map((c) => {
    const t = c.totals;
    const k = cur.get(c.currency) ?? { donated: 0n, disbursed: 0n, reversed: 0n, balance: 0n };
    k.donated += t.donated;
    k.disbursed += t.disbursed;
    k.reversed += t.reversed;
    k.balance += t.balance;
    cur.set(c.currency, k);
    const s = {
      id: c.id,
      title: c.title,
      currency: c.currency,
      status: c.closed ? 'closed' : 'open',
      donated: String(t.donated),
      disbursed: String(t.disbursed),
      transferred_in: String(t.transferred_in),
      transferred_out: String(t.transferred_out),
      reversed: String(t.reversed),
      balance: String(t.balance),
      donations: t.donations,
      disbursements: t.disbursements,
    };
    if (c.goal !== undefined) s.goal = String(c.goal);
    return s;
  });
  const currencies = {};
  for (const code of [...cur.keys()].sort()) {
    const k = cur.get(code);
    currencies[code] = {
      donated: String(k.donated), disbursed: String(k.disbursed), reversed: String(k.reversed), balance: String(k.balance),
    };
  }
  return { size: state.size, campaigns, currencies };
}

function totalsError(message, extra = {}) {
  return new VerifyError('totals', message, extra);
}

/** Compares claimed totals (e.g. from /api/v1/totals) with computed ones; throws on the first difference. */
export function checkTotals(claimed, computed) {
  if (!claimed || typeof claimed !== 'object') throw totalsError('totals: the claimed totals are not an object');
  if (String(claimed.size) !== String(computed.size)) {
    throw totalsError(`totals: claimed for ${claimed.size} entries, the ledger has ${computed.size}`);
  }
  const list = Array.isArray(claimed.campaigns) ? claimed.campaigns : [];
  const byId = new Map(list.map((c) => [c.id, c]));
  for (const c of computed.campaigns) {
    const k = byId.get(c.id);
    if (!k) throw totalsError(`totals: campaign ${c.id} is missing or extra in the claimed totals`, { campaign: c.id });
    for (const field of ['currency', 'status', 'title', 'donated', 'disbursed', 'transferred_in', 'transferred_out', 'reversed', 'balance', 'donations', 'disbursements']) {
      const kv = k[field] === undefined || k[field] === null ? undefined : String(k[field]);
      if (kv !== String(c[field])) {
        throw totalsError(`campaign ${c.id} ${c.currency}: claimed ${field} ${kv}, entries add up to ${c[field]}`, { campaign: c.id, field });
      }
    }
    const kg = k.goal === undefined || k.goal === null ? undefined : String(k.goal);
    if (kg !== c.goal) {
      throw totalsError(`campaign ${c.id} ${c.currency}: claimed goal ${kg ?? 'none'}, entries say ${c.goal ?? 'none'}`, { campaign: c.id, field: 'goal' });
    }
  }
  if (list.length !== computed.campaigns.length) {
    const known = new Set(computed.campaigns.map((c) => c.id));
    const extra = list.find((c) => !known.has(c.id));
    throw totalsError(`totals: campaign ${extra ? extra.id : '?'} is missing or extra in the claimed totals`);
  }
  const kc = claimed.currencies && typeof claimed.currencies === 'object' ? claimed.currencies : {};
  for (const [code, c] of Object.entries(computed.currencies)) {
    const k = Object.hasOwn(kc, code) ? kc[code] : {};
    for (const field of ['donated', 'disbursed', 'reversed', 'balance']) {
      const kv = k[field] === undefined ? '0' : String(k[field]);
      if (kv !== c[field]) {
        throw totalsError(`currency ${code}: claimed ${field} ${kv}, entries add up to ${c[field]}`, { currency: code, field });
      }
    }
  }
  const extra = Object.keys(kc).find((code) => !Object.hasOwn(computed.currencies, code));
  if (extra) throw totalsError(`currency ${extra}: claimed totals for a currency no campaign uses`, { currency: extra });
}

// ---------------------------------------------------------------------------------------
// Signed notes and checkpoints (C2SP signed-note, tlog-checkpoint), Ed25519

function isValidKeyName(name) {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/**
 * Parses a verifier key `name+hexid+base64(0x01 || 32-byte Ed25519 public key)` and checks
 * that the key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 || key).
 */
export async function parseVerifierKey(vkey) {
  const bad = (why) => new VerifyError('key', `malformed verifier key ${JSON.stringify(vkey)}: ${why}`);
  if (typeof vkey !== 'string') throw bad('not text');
  const k = vkey.trim();
  // name+id+key; the base64 key itself may contain '+'.
  const p1 = k.indexOf('+');
  const p2 = p1 < 0 ? -1 : k.indexOf('+', p1 + 1);
  if (p2 < 0) throw bad('expected name+keyid+key');
  const name = k.slice(0, p1);
  const id = k.slice(p1 + 1, p2);
  const b64 = k.slice(p2 + 1);
  if (!isValidKeyName(name)) throw bad('bad name');
  if (!/^[0-9a-fA-F]{8}$/.test(id)) throw bad('key id is not 8 hex digits');
  const raw = fromBase64(b64);
  if (!raw || raw.length !== 33 || raw[0] !== 1) throw bad('not an Ed25519 key');
  const h = await sha256(concat(utf8(`${name}\n`), raw));
  const want = toHex(h.slice(0, 4));
  if (want !== id.toLowerCase()) throw bad('key id does not match the key');
  return { name, keyId: want, publicKey: raw.slice(1), text: k };
}

let ed25519Impl = null;

/**
 * Verifies an Ed25519 signature with WebCrypto; in a browser whose WebCrypto has no Ed25519
 * (older ones), with the small RFC 8032 implementation below (SHA-512 still from WebCrypto).
 */
export async function ed25519Verify(publicKey, signature, message) {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (ed25519Impl) return ed25519Impl(publicKey, signature, message);
  let key;
  try {
    key = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return ed25519VerifyFallback(publicKey, signature, message);
  }
  return subtle().verify({ name: 'Ed25519' }, key, signature, message);
}

/** Uses a given Ed25519 implementation instead of WebCrypto (null: back to WebCrypto). */
export function setEd25519(fn) {
  ed25519Impl = fn;
}

// RFC 8032 §5.1.7 verification over edwards25519, BigInt arithmetic, extended coordinates.
const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const mod = (a, m = P) => {
  const r = a % m;
  return r >= 0n ? r : r + m;
};
function powMod(b, e, m = P) {
  let r = 1n;
  let x = mod(b, m);
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % m;
    x = (x * x) % m;
    k >>= 1n;
  }
  return r;
}
const inv = (a) => powMod(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const D2 = mod(2n * D);
const SQRT_M1 = powMod(2n, (P - 1n) / 4n);

function leInt(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function decodePoint(bytes) {
  const b = Uint8Array.from(bytes);
  const sign = b[31] >> 7;
  b[31] &= 0x7f;
  const y = leInt(b);
  if (y >= P) return null;
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  const v3 = (v * v * v) % P;
  let x = (u * v3 % P) * powMod(u * v3 % P * v3 % P * v % P, (P - 5n) / 8n) % P;
  const vx2 = (v * x % P) * x % P;
  if (vx2 === u) {
    // x is a root
  } else if (vx2 === mod(-u)) {
    x = (x * SQRT_M1) % P;
  } else {
    return null;
  }
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return [x, y, 1n, (x * y) % P];
}

function addPoints([X1, Y1, Z1, T1], [X2, Y2, Z2, T2]) {
  const a = mod((Y1 - X1) * (Y2 - X2));
  const b = mod((Y1 + X1) * (Y2 + X2));
  const c = mod(T1 * D2 % P * T2);
  const d = mod(2n * Z1 * Z2);
  const e = mod(b - a);
  const f = mod(d - c);
  const g = mod(d + c);
  const hh = mod(b + a);
  return [e * f % P, g * hh % P, f * g % P, e * hh % P];
}

function mulPoint(pt, k) {
  let r = [0n, 1n, 1n, 0n];
  let q = pt;
  let n = k;
  while (n > 0n) {
    if (n & 1n) r = addPoints(r, q);
    q = addPoints(q, q);
    n >>= 1n;
  }
  return r;
}

const BASE_Y = mod(4n * inv(5n));
const BASE = decodePoint((() => {
  const out = new Uint8Array(32);
  let y = BASE_Y;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(y & 0xffn);
    y >>= 8n;
  }
  return out;
})());

/** Ed25519 verification without WebCrypto's Ed25519 (cofactorless equation [S]B = R + [k]A). */
export async function ed25519VerifyFallback(publicKey, signature, message) {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const A = decodePoint(publicKey);
  const R = decodePoint(signature.subarray(0, 32));
  if (!A || !R) return false;
  const S = leInt(signature.subarray(32));
  if (S >= L) return false;
  const h = new Uint8Array(await subtle().digest('SHA-512', concat(signature.subarray(0, 32), publicKey, message)));
  const k = leInt(h) % L;
  const left = mulPoint(BASE, S);
  const right = addPoints(R, mulPoint(A, k));
  return mod(left[0] * right[2] - right[0] * left[2]) === 0n && mod(left[1] * right[2] - right[1] * left[2]) === 0n;
}


/**
 * Reads a checkpoint note's body without checking its signature (for display only).
 * Returns {origin, size (Number), root (hex), text}.
 */
export function readCheckpointUnverified(note) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new VerifyError('checkpoint', 'checkpoint: not a well-formed signed note');
  return parseCheckpointBody(note.slice(0, split + 1));
}

function parseCheckpointBody(textPart) {
  const bad = () => new VerifyError('checkpoint', 'checkpoint: malformed body (expected origin, size and base64 root lines)');
  if ((textPart.match(/\n/g) || []).length < 3 || !textPart.endsWith('\n')) throw bad();
  const lines = textPart.split('\n');
  const [origin, sizeText, rootText] = lines;
  const rest = lines.slice(3, -1);
  if (rest.some((l) => l === '')) throw bad();
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || BigInt(sizeText) > (1n << 63n) - 1n) throw bad();
  const root = fromBase64(rootText);
  if (!root || root.length !== 32) throw bad();
  const big = BigInt(sizeText);
  return {
    origin, size: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big, root: toHex(root), text: textPart,
  };
}

/**
 * Verifies a signed checkpoint note with a verifier key and returns its content
 * {origin, size, root (hex), text}. Throws VerifyError (code 'checkpoint' or 'key').
 */
export async function verifyCheckpoint(note, vkey) {
  const { text: textPart, key } = await verifyNote(note, vkey);
  const cp = parseCheckpointBody(textPart);
  if (cp.origin !== key.name) {
    throw new VerifyError('checkpoint', `checkpoint: origin ${JSON.stringify(cp.origin)} does not match key name ${JSON.stringify(key.name)}`);
  }
  return cp;
}

/**
 * Verifies a C2SP signed note: at least one signature line by `vkey` must verify over the
 * note's text (everything before the blank line, with its final newline). Returns
 * {text, key}.
 */
export async function verifyNote(note, vkey) {
  const key = await parseVerifierKey(vkey);
  const malformed = () => new VerifyError('checkpoint', 'checkpoint: not a well-formed signed note');
  if (typeof note !== 'string') throw malformed();
  // Valid UTF-8 (it is a JS string) with no ASCII control characters but newline.
  if (/[\0-\t\v-\x1f]/.test(note) || /[\ud800-\udfff]/.test(note.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) throw malformed();
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed();
  const textPart = note.slice(0, split + 1);
  let sigs = note.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith('\n')) throw malformed();
  const textBytes = utf8(textPart);
  let verified = 0;
  let count = 0;
  while (sigs.length > 0) {
    const nl = sigs.indexOf('\n');
    const line = sigs.slice(0, nl);
    sigs = sigs.slice(nl + 1);
    if (!line.startsWith('\u2014 ')) throw malformed();
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const b64 = sp < 0 ? '' : rest.slice(sp + 1);
    const sig = fromBase64(b64);
    if (!sig || !isValidKeyName(name) || b64 === '' || sig.length < 5) throw malformed();
    if (++count > 100) throw malformed();
    const id = toHex(sig.slice(0, 4));
    if (name !== key.name || id !== key.keyId) continue; // someone else's signature
    if (!(await ed25519Verify(key.publicKey, sig.slice(4), textBytes))) {
      throw new VerifyError('signature', `checkpoint: signature does not verify with key ${key.text}`);
    }
    verified++;
  }
  if (verified === 0) throw new VerifyError('signature', `checkpoint: signature does not verify with key ${key.text}`);
  return { text: textPart, key };
}

// ---------------------------------------------------------------------------------------
// The streaming verifier

export class Verifier {
  constructor() {
    this.state = new LedgerState();
    this.tree = new CompactTree();
    this.checkpoints = new Map(); // size -> callback(rootHex) to check a prefix root
  }

  get size() {
    return this.state.size;
  }

  /**
   * Checks the next leaf (bytes or string): canonical form, fields, seq, prev link, time
   * order and every invariant; then adds it to the tree and the totals. Returns
   * {entry, hash (hex)}. Throws VerifyError naming the entry number.
   */
  async pushLeaf(leaf) {
    return this.pushLeafSync(leaf);
  }

  /**
   * pushLeaf without a promise, for loops over many leaves. `decoded`, when given, must be
   * the leaf's bytes decoded as UTF-8 (decodeUtf8(leaf)), as splitLeafTexts gives it.
   */
  pushLeafSync(leaf, decoded) {
    const seq = this.state.size;
    const bytes = typeof leaf === 'string' ? utf8(leaf) : leaf;
    let entry;
    try {
      entry = decodeLeaf(bytes, typeof leaf === 'string' ? undefined : decoded);
    } catch (e) {
      if (e instanceof VerifyError) throw entryError(seq, e.code, e.message, { field: e.field });
      throw e;
    }
    const hash = leafHashSync(bytes);
    const hex = toHex(hash);
    try {
      this.state.apply(entry, hex);
    } catch (e) {
      if (e instanceof InvariantError) {
        const { code, message, ...extra } = e;
        throw entryError(seq, code, e.message, extra);
      }
      throw e;
    }
    this.tree.push(hash);
    return { entry, hash: hex };
  }

  rootSync() {
    return toHex(this.tree.rootSync());
  }

  async root() {
    return this.rootSync();
  }

  totals() {
    return totalsOf(this.state);
  }

  /**
   * Finishes: when `checkpoint` = {note, key} is given, verifies it and checks it covers
   * exactly these entries; when `claimed` totals are given, compares them.
   * Returns {size, root, checkpoint, totals}.
   */
  async finish(checkpoint, claimed) {
    const root = await this.root();
    const size = this.state.size;
    let cp = null;
    if (checkpoint) {
      cp = await verifyCheckpoint(checkpoint.note, checkpoint.key);
      if (cp.size !== size) {
        throw new VerifyError('checkpoint_size', `checkpoint: covers ${cp.size} entries, but the ledger has ${size}`, { checkpointSize: cp.size, entries: size });
      }
      if (cp.root !== root) {
        throw new VerifyError('root_mismatch', `checkpoint: root ${cp.root} does not match the root of the ${size} entries, ${root}`, { claimedRoot: cp.root, computedRoot: root });
      }
    }
    const totals = totalsOf(this.state);
    if (claimed) checkTotals(claimed, totals);
    return {
      size, root, checkpoint: cp, totals,
    };
  }
}

// ---------------------------------------------------------------------------------------
// Bundles: "fundtrail-bundle v1\nkey <vkey>\n\n" leaves "\n" note

export const BUNDLE_MAGIC = 'fundtrail-bundle v1';

/** Splits an async (or sync) iterable of byte chunks into lines (without "\n"). */
async function* lines(chunks) {
  let carry = new Uint8Array(0);
  for await (const chunk0 of chunks) {
    const chunk = chunk0 instanceof Uint8Array ? chunk0 : new Uint8Array(chunk0);
    let buf = carry.length ? concat(carry, chunk) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      yield { line: buf.subarray(start, nl), complete: true };
      start = nl + 1;
    }
    carry = buf.slice(start);
    buf = null;
  }
  if (carry.length) yield { line: carry, complete: false };
}

function bundleError(what) {
  return new VerifyError('bundle', `bundle: ${what}`);
}

/**
 * Verifies a whole bundle. `input` is a Uint8Array, a string, or an (async) iterable of
 * Uint8Array chunks. Options: pinnedKey, claimed totals, onProgress(n) called every 512
 * entries, yieldEvery for UI responsiveness. Returns the report of Verifier.finish plus `key`.
 */
export async function verifyBundle(input, { pinnedKey, claimed, onProgress } = {}) {
  let chunks;
  if (typeof input === 'string') chunks = [utf8(input)];
  else if (input instanceof Uint8Array) chunks = [input];
  else if (input instanceof ArrayBuffer) chunks = [new Uint8Array(input)];
  else chunks = input;
  const it = lines(chunks)[Symbol.asyncIterator]();
  const next = async () => {
    const r = await it.next();
    if (r.done) return null;
    if (!r.value.complete) throw bundleError('file ends in the middle of a line');
    return r.value.line;
  };
  const first = await next();
  if (first === null || decodeUtf8Safe(first) !== BUNDLE_MAGIC) throw bundleError(`first line is not "${BUNDLE_MAGIC}"`);
  const second = await next();
  if (second === null || !startsWith(second, 'key ')) throw bundleError('second line is not `key <verifier key>`');
  const key = decodeUtf8Safe(second.subarray(4));
  if (key === null) throw bundleError('key is not UTF-8');
  if (pinnedKey && pinnedKey.trim() !== key) {
    throw new VerifyError('signature', `checkpoint: signature does not verify with key ${pinnedKey} (the bundle names a different key, ${key})`);
  }
  const third = await next();
  if (third === null || third.length !== 0) throw bundleError('third line must be empty');
  const v = new Verifier();
  for (;;) {
    const line = await next();
    if (line === null) throw bundleError(`ends after ${v.size} entries without a checkpoint`);
    if (line.length === 0) break;
    await v.pushLeaf(line);
    if (onProgress && v.size % 512 === 0) await onProgress(v.size);
  }
  const noteParts = [];
  for (;;) {
    const line = await next();
    if (line === null) break;
    noteParts.push(line, new Uint8Array([10]));
  }
  const note = decodeUtf8Safe(concat(...noteParts));
  if (note === null) throw bundleError('checkpoint is not UTF-8');
  if (onProgress) await onProgress(v.size);
  const report = await v.finish({ note, key }, claimed);
  return { ...report, key };
}

function decodeUtf8Safe(bytes) {
  try {
    return decodeUtf8(bytes);
  } catch {
    return null;
  }
}

function startsWith(bytes, prefix) {
  const p = utf8(prefix);
  return bytes.length >= p.length && bytesEqual(bytes.subarray(0, p.length), p);
}

/**
 * splitLeaves, plus each leaf decoded as UTF-8 exactly as decodeUtf8(leaf) would (one decoder
 * call for the whole page instead of one per leaf). `texts` is null when the page is not all
 * UTF-8; then each leaf is decoded on its own, so the error names the entry at fault.
 */
export function splitLeafTexts(bytes) {
  const leaves = splitLeaves(bytes);
  let texts = null;
  let all = null;
  try {
    all = tdFatal.decode(bytes);
  } catch {
    all = null;
  }
  if (all !== null) {
    // "\n" is one byte in UTF-8 and never part of a longer sequence: lines match leaves.
    const lines = all.split('\n');
    lines.pop(); // after the last "\n"
    if (lines.length === leaves.length) {
      texts = lines;
    }
  }
  return { leaves, texts };
}

/** Splits an NDJSON page of leaves (bytes) into leaf byte arrays; every line ends in "\n". */
export function splitLeaves(bytes) {
  const out = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(10, start);
    if (nl < 0) break;
    out.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start !== bytes.length) throw new VerifyError('bundle', 'the list of entries ends in the middle of a line');
  return out;
}
