// SHA-256 (SPEC.md §4): from WebCrypto (`sha256`, for key ids, receipts and evidence files),
// and a synchronous FIPS 180-4 implementation (`sha256Sync`) for the leaf and node hashes of
// merkle.js: one awaited WebCrypto digest per leaf and per tree node made "Verify everything"
// wait on hundreds of thousands of promises. The two are checked against each other on random
// inputs by tests/web/verify.test.mjs.

import { toHex } from './bytes.js';

/** WebCrypto's SubtleCrypto; throws an Error saying what to do when the browser has none. */
export const subtle = () => {
  const c = globalThis.crypto;
  if (!c || !c.subtle) throw new Error('this browser has no WebCrypto (crypto.subtle); open the page over https or localhost');
  return c.subtle;
};

/** SHA-256 of `bytes` (a typed array or ArrayBuffer), with WebCrypto. */
export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', bytes));
}

/** Lower-case hex SHA-256 of `bytes` (an ArrayBuffer or typed array), with WebCrypto. */
export async function sha256Hex(bytes) {
  return toHex(await sha256(bytes));
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

/**
 * Hashes the first `len` bytes of the scratch buffer (filled after sha256Room(len), which leaves
 * room for the padding) into a new Uint8Array. merkle.js writes its 0x00 / 0x01 prefix and the
 * hashed bytes straight into the buffer, with no copy in between.
 */
// The compression rounds are written out in this one function on purpose: a call per round
// cost about a third of the page's hashing speed (BENCHMARKS.md, Browser).
export function sha256Scratch(len) {
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

/** Makes sure the scratch buffer holds `len` bytes plus padding, and returns it. */
export function sha256Room(len) {
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
