// Bytes and their text forms: UTF-8 (strict, as SPEC.md §3 requires of a leaf), lower-case
// hex (hashes in JSON, SPEC.md §4) and padded standard base64 (checkpoints and keys, SPEC.md
// §6). No dependencies.

const te = new TextEncoder();
// ignoreBOM keeps a byte-order mark in the text: a leaf that starts with one is not the
// canonical JSON of an entry (as in the Rust verifier), so it must not be silently dropped.
const tdFatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The characters of the Unicode White_Space property, as a regular expression class body:
 * what SPEC.md §2.2 calls whitespace, and what Rust's `str::trim` removes (JavaScript's own
 * `trim` and `\s` differ: they take U+FEFF and leave U+0085).
 */
export const WHITE_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const AROUND = new RegExp(`^[${WHITE_SPACE}]+|[${WHITE_SPACE}]+$`, 'g');

/** `s` without the White_Space characters at its start and end (Rust's `str::trim`). */
export function trimWhiteSpace(s) {
  return s.replace(AROUND, '');
}

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

/** Exactly 64 lower-case hex digits (a hash as JSON writes it). */
export const HEX64 = /^[0-9a-f]{64}$/;

const HEX_CODE = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)));

/** Whether `text` is toHex(bytes), compared without building the hex text. */
export function hexEquals(text, bytes) {
  if (typeof text !== 'string' || text.length !== 2 * bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i];
    if (text.charCodeAt(2 * i) !== HEX_CODE[v >> 4] || text.charCodeAt(2 * i + 1) !== HEX_CODE[v & 15]) return false;
  }
  return true;
}

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

/** The bytes of `parts`, one after the other. */
export function concat(...parts) {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
