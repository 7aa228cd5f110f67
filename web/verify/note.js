// Verifier keys, C2SP signed notes and tlog checkpoints (SPEC.md §6): parsing a key and
// checking its id, verifying a note's Ed25519 signature by that key, and reading the origin,
// size and root a checkpoint signs.

import {
  concat, fromBase64, toHex, trimWhiteSpace, utf8, WHITE_SPACE,
} from './bytes.js';
import { sha256 } from './sha256.js';
import { ed25519Verify } from './ed25519.js';
import { VerifyError } from './errors.js';

const SPACE_OR_PLUS = new RegExp(`[${WHITE_SPACE}+]`);

/** A key name (C2SP signed-note): not empty, no White_Space character, no `+`. */
function isValidKeyName(name) {
  return name.length > 0 && !SPACE_OR_PLUS.test(name);
}

/** The largest note, in UTF-8 bytes, a verifier reads (as Go's and Rust's signed-note do). */
const MAX_NOTE_BYTES = 1_000_000;
/** The most signature lines a note may carry. */
const MAX_SIGNATURES = 100;
const U64_MAX = (1n << 64n) - 1n;

/**
 * Parses a verifier key `name+hexid+base64(0x01 || 32-byte Ed25519 public key)` and checks
 * that the key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 || key).
 */
export async function parseVerifierKey(vkey) {
  const bad = (why) => new VerifyError('key', `malformed verifier key ${JSON.stringify(vkey)}: ${why}`);
  if (typeof vkey !== 'string') throw bad('not text');
  const k = trimWhiteSpace(vkey);
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
  // Lines after the root are extension lines (C2SP tlog-checkpoint): signed, never empty, and
  // carrying nothing fundtrail checks.
  const extensions = lines.slice(3, -1);
  if (origin === '' || extensions.some((l) => l === '')) throw bad();
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || BigInt(sizeText) > U64_MAX) throw bad();
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
 * Verifies a C2SP signed note (SPEC.md §6): the whole note is read first (a malformed one is
 * refused before any signature is checked), then the first signature line by `vkey` must
 * verify over the note's text (everything before the last blank line, with its final
 * newline); lines by other keys, and repeated lines by this one, are ignored. Returns
 * {text, key}.
 */
export async function verifyNote(note, vkey) {
  const key = await parseVerifierKey(vkey);
  const malformed = () => new VerifyError('checkpoint', 'checkpoint: not a well-formed signed note');
  if (typeof note !== 'string') throw malformed();
  // Valid UTF-8 (it is a JS string) with no ASCII control characters but newline.
  if (/[\0-\t\v-\x1f]/.test(note) || /[\ud800-\udfff]/.test(note.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) throw malformed();
  if (note.length > MAX_NOTE_BYTES / 3 && utf8(note).length > MAX_NOTE_BYTES) throw malformed();
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed();
  const textPart = note.slice(0, split + 1);
  const sigs = note.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith('\n')) throw malformed();
  const lines = sigs.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed();
  const parsed = lines.map((line) => {
    if (!line.startsWith('\u2014 ')) throw malformed();
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const b64 = sp < 0 ? '' : rest.slice(sp + 1);
    const sig = fromBase64(b64);
    if (!sig || !isValidKeyName(name) || b64 === '' || sig.length < 5) throw malformed();
    return { name, id: toHex(sig.slice(0, 4)), signature: sig.slice(4) };
  });
  const ours = parsed.find((p) => p.name === key.name && p.id === key.keyId);
  if (!ours || !(await ed25519Verify(key.publicKey, ours.signature, utf8(textPart)))) {
    throw new VerifyError('signature', `checkpoint: signature does not verify with key ${key.text}`);
  }
  return { text: textPart, key };
}
