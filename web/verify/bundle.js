// Export bundles (SPEC.md §10), "fundtrail-bundle v1\nkey <vkey>\n\n" leaves "\n" note,
// verified as a stream of byte chunks; and NDJSON pages of leaves (the API's /entries) split
// into leaves.

import {
  bytesEqual, concat, decodeUtf8, trimWhiteSpace, utf8,
} from './bytes.js';
import { VerifyError } from './errors.js';
import { Verifier } from './verifier.js';

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
  // A pinned key other than the bundle's (its first key) may be one the ledger rotated to
  // (SPEC.md §23): one of another name never is; one of the same name must be in the chain.
  const differentKey = () => new VerifyError('signature', `checkpoint: signature does not verify with key ${pinnedKey} (the bundle names a different key, ${key})`);
  const pinnedLater = pinnedKey && trimWhiteSpace(pinnedKey) !== key;
  if (pinnedLater && keyNameOf(trimWhiteSpace(pinnedKey)) !== keyNameOf(key)) throw differentKey();
  const third = await next();
  if (third === null || third.length !== 0) throw bundleError('third line must be empty');
  const v = new Verifier();
  for (;;) {
    const line = await next();
    if (line === null) throw bundleError(`ends after ${v.size} entries without a checkpoint`);
    if (line.length === 0) break;
    v.checkLeafSync(line);
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
  if (pinnedLater && !report.keys.some((k) => k.key === trimWhiteSpace(pinnedKey))) throw differentKey();
  return { ...report, key };
}

/** The name of a key text (before its first `+`), or null when it has none. */
function keyNameOf(k) {
  const i = k.indexOf('+');
  return i > 0 ? k.slice(0, i) : null;
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
    all = decodeUtf8(bytes);
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
