// Ed25519 signature verification (RFC 8032, for the checkpoint signatures of SPEC.md §6): with
// WebCrypto, and where a browser's WebCrypto has no Ed25519, with a small BigInt implementation
// of RFC 8032 §5.1.7 (SHA-512 still from WebCrypto).

import { concat } from './bytes.js';
import { subtle } from './sha256.js';

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

/**
 * Whether 32 bytes are an Ed25519 public key as the Rust verifier decodes one (curve25519-dalek's
 * decompression): y is read modulo p without its top bit, and the key is refused only when no
 * x satisfies the curve equation.
 */
export function isEd25519Point(bytes) {
  if (bytes.length !== 32) return false;
  const b = Uint8Array.from(bytes);
  b[31] &= 0x7f;
  const y = mod(leInt(b));
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  const v3 = (v * v * v) % P;
  const x = (u * v3 % P) * powMod(u * v3 % P * v3 % P * v % P, (P - 5n) / 8n) % P;
  const vx2 = (v * x % P) * x % P;
  return vx2 === u || vx2 === mod(-u);
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
