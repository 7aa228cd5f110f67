// The registry proof of an account check (SPEC.md §22, §24): a platform answers "is this bank
// account registered here?" with the registry entry that lists the account (an `org.register`
// or `org.accounts` entry), its inclusion proof, and the registry's signed checkpoint. This
// module checks that answer without trusting the server: the checkpoint is signed by the
// registry key, the proof leads from the entry's exact leaf to the signed root, and the entry
// itself names the organisation and lists the account asked about.
//
// What it cannot prove alone: that no later registry entry removed the account (the server's
// `status` and the absence of a later `org.accounts` are the server's word until the whole
// registry is verified, which the registry's own page does).

import { VerifyError } from './errors.js';
import { utf8, toHex, HEX64 } from './bytes.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { verifyCheckpoint } from './note.js';
import { decodeLeaf } from './entry.js';
import { normaliseBank, normaliseNumber } from './registry.js';

/** The registry entry kinds that set an organisation's official receiving accounts. */
export const ACCOUNT_KINDS = Object.freeze(['org.register', 'org.accounts']);

/**
 * Whether `account` ({bank, holder, number}) is the account asked about, compared as the
 * registry compares accounts (registry.js, SPEC.md §22): the same number, and the same bank
 * when a bank was asked (`bank` empty: any bank).
 */
export function isAccountAsked(account, number, bank = '') {
  if (!account || typeof account.number !== 'string' || typeof account.bank !== 'string') return false;
  const wanted = normaliseNumber(String(number ?? ''));
  if (wanted === '' || normaliseNumber(account.number) !== wanted) return false;
  const asked = normaliseBank(String(bank ?? ''));
  return asked === '' || normaliseBank(account.bank) === asked;
}

const fail = (message) => new VerifyError('registry', message);

const isCount = (n) => Number.isSafeInteger(n) && n >= 0;

/**
 * The text of the entry an answer's `registry.leaf` stands for: the leaf itself, or (when the
 * server gave only its 64-hex hash) the `leaf` of `fetchEntry(seq)` (the registry's
 * GET /api/v1/entries/{seq} answer), which must hash to it.
 */
async function leafText(reg, fetchEntry) {
  if (!HEX64.test(reg.leaf)) return reg.leaf;
  if (!fetchEntry) throw fail('the answer gives only the leaf hash, and no way to read the entry');
  const answer = await fetchEntry(reg.seq);
  if (!answer || typeof answer.leaf !== 'string') throw fail(`the registry did not give entry ${reg.seq}`);
  if (toHex(await leafHash(utf8(answer.leaf))) !== reg.leaf) throw fail(`registry entry ${reg.seq} does not hash to the stated leaf`);
  return answer.leaf;
}

/**
 * Verifies the `registry` part of a check-account answer (`answer`: `{registered: true, org:
 * {slug}, registry: {seq, leaf, proof, size, root, checkpoint}}`) with the registry's verifier
 * key `registryKey`, for the account `number` (and `bank`, when asked). `fetchEntry(seq)`
 * reads a registry entry when the answer gives only the leaf's hash.
 *
 * Returns `{ seq, size, kind, recordedAt, account }` (`account`: the entry's listing of it).
 * Throws VerifyError ('registry', 'checkpoint', 'key' or 'proof') saying what does not hold.
 */
export async function verifyAccountCheck(answer, registryKey, { number, bank = '', fetchEntry } = {}) {
  const reg = answer?.registry;
  const slug = answer?.org?.slug;
  if (!reg || typeof reg !== 'object' || typeof slug !== 'string') throw fail('the answer has no registry proof');
  if (!isCount(reg.seq) || !isCount(reg.size) || typeof reg.root !== 'string' || !Array.isArray(reg.proof)
    || typeof reg.checkpoint !== 'string' || typeof reg.leaf !== 'string') {
    throw fail('the registry proof needs seq, leaf, proof, size, root and checkpoint');
  }
  const cp = await verifyCheckpoint(reg.checkpoint, registryKey);
  if (cp.size !== reg.size || cp.root !== reg.root) {
    throw fail(`the proof is against size ${reg.size} root ${reg.root}, the checkpoint signs size ${cp.size} root ${cp.root}`);
  }
  const text = await leafText(reg, fetchEntry);
  await verifyInclusion(reg.seq, cp.size, toHex(await leafHash(utf8(text))), reg.proof, cp.root);
  let entry;
  try {
    entry = decodeLeaf(text);
  } catch (e) {
    throw fail(`registry entry ${reg.seq} is not a valid entry: ${e.message}`);
  }
  if (entry?.seq !== reg.seq) throw fail(`the leaf is entry ${entry?.seq}, the answer says ${reg.seq}`);
  if (!ACCOUNT_KINDS.includes(entry.kind)) throw fail(`registry entry ${reg.seq} is a ${entry.kind}, not a list of accounts`);
  const body = entry.body ?? {};
  const named = entry.kind === 'org.register' ? body.slug : body.org;
  if (named !== slug) throw fail(`registry entry ${reg.seq} is about ${JSON.stringify(named)}, not ${JSON.stringify(slug)}`);
  const account = (Array.isArray(body.accounts) ? body.accounts : []).find((a) => isAccountAsked(a, number, bank));
  if (!account) throw fail(`registry entry ${reg.seq} does not list this account`);
  return {
    seq: reg.seq, size: cp.size, kind: entry.kind, recordedAt: entry.recorded_at, account,
  };
}
