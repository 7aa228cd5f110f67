// Key rotation inside a ledger (SPEC.md §23): the `key.rotate` body's field rules, the exact
// bytes the key in force signs to hand the ledger over to a new key, and KeyChain, the keys a
// ledger has been signed with. Rotations are checked from the ledger's first key, in order,
// before its checkpoint (SPEC.md §9 step 3); the checkpoint must verify with the key in force.

import {
  concat, fromBase64, toBase64, toHex, trimWhiteSpace, utf8,
} from './bytes.js';
import { sha256Sync } from './sha256.js';
import { ed25519Verify } from './ed25519.js';
import { parseVerifierKey } from './note.js';
import { entryError } from './errors.js';

export const ROTATION_MAGIC = 'fundtrail key rotation v1';

/** The bytes the key in force signs: magic, origin, new key, hex of the entry's prev. */
export function rotationMessage(origin, newKey, prevHex) {
  return utf8(`${ROTATION_MAGIC}\n${origin}\n${newKey}\n${prevHex}\n`);
}

/** The 64 signature bytes of a `signature` field, or null unless canonical padded base64 of 64 bytes. */
export function signatureBytes(text) {
  const raw = fromBase64(text);
  if (!raw || raw.length !== 64 || toBase64(raw) !== text) return null;
  return raw;
}

/**
 * Whether `k` is a well-formed verifier key written without surrounding whitespace (SPEC.md
 * §6): name, an 8-hex-digit key id matching the key, base64 of 0x01 and 32 bytes.
 */
export function isVerifierKeyText(k) {
  if (typeof k !== 'string' || trimWhiteSpace(k) !== k) return false;
  const p1 = k.indexOf('+');
  const p2 = p1 < 0 ? -1 : k.indexOf('+', p1 + 1);
  if (p2 < 0) return false;
  const name = k.slice(0, p1);
  const id = k.slice(p1 + 1, p2);
  if (name === '' || /\s/u.test(name) || !/^[0-9a-fA-F]{8}$/.test(id)) return false;
  const raw = fromBase64(k.slice(p2 + 1));
  if (!raw || raw.length !== 33 || raw[0] !== 1) return false;
  const h = sha256Sync(concat(utf8(`${name}\n`), raw));
  return toHex(h.slice(0, 4)) === id.toLowerCase();
}

function keyName(k) {
  return k.slice(0, k.indexOf('+'));
}

/** The keys of a ledger: the first key, then each key a rotation handed over to, from size `from`. */
export class KeyChain {
  constructor(origin, keys) {
    this.origin = origin;
    this.keys = keys; // [{from, key}]
  }

  /** The chain of a ledger whose first key is `first`; throws the key's VerifyError when malformed. */
  static async startingWith(first) {
    const k = await parseVerifierKey(first);
    return new KeyChain(k.name, [{ from: 0, key: k.text }]);
  }

  inForce() {
    return this.keys[this.keys.length - 1].key;
  }

  /** The key that signs the checkpoint of `size` entries. */
  at(size) {
    let key = this.keys[0].key;
    for (const k of this.keys) if (k.from <= size) key = k.key;
    return key;
  }

  includes(key) {
    const t = trimWhiteSpace(key);
    return this.keys.some((k) => k.key === t);
  }

  /**
   * Checks the rotation of entry `seq` (whose prev is `prevHex`) and puts its key in force
   * from size seq + 1. Throws a VerifyError naming the entry, with the Rust verifier's words.
   */
  async apply(seq, prevHex, body) {
    const refuse = (problem) => entryError(seq, 'key_rotation', `key rotation: ${problem}`);
    const name = keyName(body.verifier_key);
    if (name !== this.origin) {
      throw refuse(`the new key's name ${JSON.stringify(name)} is not the ledger's origin ${JSON.stringify(this.origin)}`);
    }
    const current = this.inForce();
    if (body.verifier_key === current) throw refuse('the new key is the key already in force');
    const key = await parseVerifierKey(current);
    const sig = signatureBytes(body.signature);
    const message = rotationMessage(this.origin, body.verifier_key, prevHex);
    if (!sig || !(await ed25519Verify(key.publicKey, sig, message))) {
      throw refuse(`signature does not verify with the key in force ${current} over this entry's prev`);
    }
    this.keys.push({ from: seq + 1, key: body.verifier_key });
  }
}
