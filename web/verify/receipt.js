// Donation receipts (SPEC.md §12): receipt codes, the donor commitment (SPEC.md §2.4) and the
// check of a receipt file, which needs nothing but the receipt and the verifier key: it
// verifies offline and for good.

import { hashFromHex, toHex, utf8 } from './bytes.js';
import { sha256 } from './sha256.js';
import { VerifyError } from './errors.js';
import { decodeLeaf } from './entry.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { verifyCheckpoint } from './note.js';
import { identifierCandidates } from './identifier.js';

export const RECEIPT_TYPE = 'fundtrail-receipt';
const MEMBERS = ['type', 'v', 'seq', 'code', 'leaf', 'leaf_hash', 'proof', 'checkpoint', 'key', 'salt'];
const PROOF_MEMBERS = ['index', 'size', 'leaf_hash', 'root', 'proof'];
const COMMITMENT_DOMAIN = 'fundtrail donor commitment v1\0';

/** The receipt code of entry `seq`: `R-<seq>-<first 8 hex digits of its leaf hash>`. */
export function receiptCode(seq, leafHashHex) {
  return `R-${seq}-${leafHashHex.slice(0, 8)}`;
}

/** `{ seq, prefix }` of a well-formed receipt code, else null. */
export function parseReceiptCode(code) {
  const m = /^R-(0|[1-9]\d*)-([0-9a-f]{8})$/.exec(String(code));
  if (!m || !Number.isSafeInteger(Number(m[1]))) return null;
  return { seq: Number(m[1]), prefix: m[2] };
}

/** SHA-256("fundtrail donor commitment v1" || 0x00 || salt || UTF-8(identifier)), hex (SPEC.md §2.4). */
export async function donorCommitment(salt, identifier) {
  const domain = utf8(COMMITMENT_DOMAIN);
  const id = utf8(identifier);
  const bytes = new Uint8Array(domain.length + salt.length + id.length);
  bytes.set(domain, 0);
  bytes.set(salt, domain.length);
  bytes.set(id, domain.length + salt.length);
  return toHex(await sha256(bytes));
}

function fail(code, message) {
  return new VerifyError(code, `receipt: ${message}`);
}

function checkShape(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw fail('malformed', 'not a JSON object');
  for (const k of Object.keys(r)) if (!MEMBERS.includes(k)) throw fail('malformed', `unknown member "${k}"`);
  if (r.type !== RECEIPT_TYPE || r.v !== 1) throw fail('malformed', `not a fundtrail receipt version 1 (type ${JSON.stringify(r.type)}, v ${r.v})`);
  for (const k of ['seq', 'code', 'leaf', 'leaf_hash', 'proof', 'checkpoint', 'key']) {
    if (!(k in r)) throw fail('malformed', `missing member "${k}"`);
  }
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) throw fail('malformed', 'seq is not an integer');
  for (const k of ['code', 'leaf', 'leaf_hash', 'checkpoint', 'key']) {
    if (typeof r[k] !== 'string') throw fail('malformed', `${k} is not a string`);
  }
  const p = r.proof;
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw fail('malformed', 'proof is not an object');
  for (const k of Object.keys(p)) if (!PROOF_MEMBERS.includes(k)) throw fail('malformed', `unknown member "proof.${k}"`);
  if (!Number.isSafeInteger(p.index) || !Number.isSafeInteger(p.size) || !Array.isArray(p.proof)) {
    throw fail('malformed', 'proof needs integer index and size and a list of hashes');
  }
  if (r.salt !== undefined && (typeof r.salt !== 'string' || !hashFromHex(r.salt))) {
    throw fail('salt', 'salt is not 64 lower-case hex digits');
  }
}

/**
 * Verifies a receipt (a parsed JSON object) against the verifier key `key`, in the order of
 * SPEC.md §12: format, leaf, leaf hash, code, proof position, checkpoint signature, proof
 * against the signed root, salt, and with `identifier` the donor commitment. Calls
 * step(name, ok, params) for each check shown on the page. Returns
 * { seq, entry, cp, leafHash, identifierChecked } or throws a VerifyError.
 */
export async function verifyReceipt(r, { key, identifier, step = () => {} } = {}) {
  checkShape(r);
  const leafBytes = utf8(r.leaf);
  let entry;
  try {
    entry = decodeLeaf(leafBytes);
    if (entry.seq !== r.seq) throw fail('seq', `the leaf is entry ${entry.seq}, the receipt says ${r.seq}`);
    if (entry.kind !== 'donation') throw fail('kind', `entry ${entry.seq} is a ${entry.kind}, not a donation`);
  } catch (e) {
    step('check_canonical', false);
    throw e;
  }
  step('check_canonical', true);
  const hash = toHex(await leafHash(leafBytes));
  const p = r.proof;
  if (hash !== r.leaf_hash || p.leaf_hash !== hash || p.index !== r.seq || r.code !== receiptCode(r.seq, hash)) {
    step('check_leaf_hash', false);
    if (hash !== r.leaf_hash) throw fail('leaf_hash', `the leaf hashes to ${hash}, not to the stated ${r.leaf_hash}`);
    if (r.code !== receiptCode(r.seq, hash)) throw fail('code', `code ${JSON.stringify(r.code)} does not match entry ${r.seq}`);
    throw fail('proof', `the proof is for index ${p.index} and leaf ${p.leaf_hash}, not entry ${r.seq}`);
  }
  step('check_leaf_hash', true);
  let cp;
  try {
    cp = await verifyCheckpoint(r.checkpoint, key);
  } catch (e) {
    step('check_signature', false);
    throw e;
  }
  step('check_signature', true);
  try {
    if (p.size !== cp.size || p.root !== cp.root) {
      throw fail('proof', `the proof is against size ${p.size} root ${p.root}, the checkpoint signs size ${cp.size} root ${cp.root}`);
    }
    await verifyInclusion(r.seq, cp.size, hash, p.proof, cp.root);
  } catch (e) {
    step('check_inclusion', false, { size: cp.size });
    throw e;
  }
  step('check_inclusion', true, { size: cp.size });
  const commitment = entry.body.commitment;
  if (r.salt !== undefined && commitment === undefined) {
    throw fail('salt', `carries a salt but entry ${r.seq} has no donor commitment`);
  }
  let identifierChecked = false;
  if (identifier !== undefined && identifier !== null && identifier !== '') {
    if (r.salt === undefined || commitment === undefined) {
      step('rc_check_identifier', false);
      throw fail('identifier', 'cannot check an identifier: the receipt has no salt or the entry no commitment');
    }
    let matches = false;
    for (const candidate of identifierCandidates(identifier)) {
      if (await donorCommitment(hashFromHex(r.salt), candidate) === commitment) matches = true;
    }
    if (!matches) {
      step('rc_check_identifier', false);
      throw fail('identifier', `the identifier and salt do not give entry ${r.seq}'s donor commitment`);
    }
    step('rc_check_identifier', true);
    identifierChecked = true;
  }
  return {
    seq: r.seq, entry, cp, leafHash: hash, identifierChecked,
  };
}
