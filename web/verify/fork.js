// Fork proof files (SPEC.md §6.2): two checkpoints signed with one key that cannot both be
// honest, with the server's evidence; built when the page finds a rewritten history, and
// checked here as by `fundtrail verify-fork`.

import { trimWhiteSpace } from './bytes.js';
import { VerifyError } from './errors.js';
import { verifyConsistency, prefixRootFromInclusion } from './merkle.js';
import { verifyCheckpoint } from './note.js';

/** The `format` of a fork proof file. */
export const FORK_PROOF_FORMAT = 'fundtrail-fork-proof v1';

/**
 * The fork proof file (SPEC.md §6.2) for two checkpoints signed with the same key that were
 * seen in this order: both signed notes verbatim, the key, and the server's evidence.
 */
export function forkProof(first, later, {
  consistency, prefix, site = '', found = '',
} = {}) {
  const file = {
    format: FORK_PROOF_FORMAT,
    key: trimWhiteSpace(first.key),
    seen_first: first.note,
    seen_later: later.note,
  };
  if (prefix) file.prefix = prefix;
  if (consistency) file.consistency = consistency;
  if (site) file.site = site;
  if (found) file.found = found;
  return file;
}

/**
 * Checks a fork proof file (text or parsed) with the verifier key `key` (default: the key the
 * file names). Resolves to `{ verdict, reason, first, later }`, `verdict` being:
 *
 * - `fork`: both notes verify with the key and cannot both be honest: the same size with two
 *   roots, or an inclusion proof in the larger tree giving another root for the smaller size;
 * - `consistent`: the file itself shows that the smaller tree is a prefix of the larger;
 * - `inconclusive`: both verify but the file does not prove either (e.g. a smaller later
 *   checkpoint, which an honest log may have signed first; or only a failing consistency
 *   proof, which anyone could make up).
 *
 * Throws VerifyError when the file is malformed or a note does not verify with the key.
 */
export async function checkForkProof(input, key) {
  let file = input;
  if (typeof input === 'string') {
    try {
      file = JSON.parse(input);
    } catch {
      throw new VerifyError('fork', 'not a fork proof file (not JSON)');
    }
  }
  if (!file || file.format !== FORK_PROOF_FORMAT || typeof file.seen_first !== 'string' || typeof file.seen_later !== 'string') {
    throw new VerifyError('fork', `not a fork proof file (expected format "${FORK_PROOF_FORMAT}" with seen_first and seen_later)`);
  }
  const vkey = trimWhiteSpace(key ?? file.key ?? '');
  const first = await verifyCheckpoint(file.seen_first, vkey);
  const later = await verifyCheckpoint(file.seen_later, vkey);
  const out = (verdict, reason) => ({
    verdict, reason, first: { size: first.size, root: first.root }, later: { size: later.size, root: later.root },
  });
  const [small, big] = BigInt(first.size) <= BigInt(later.size) ? [first, later] : [later, first];
  if (BigInt(small.size) === BigInt(big.size)) {
    return small.root === big.root
      ? out('consistent', 'the two checkpoints are the same tree')
      : out('fork', `two different roots signed for ${small.size} entries: ${first.root} and ${later.root}`);
  }
  if (BigInt(small.size) === 0n) return out('consistent', 'the empty tree is a prefix of every tree');
  if (file.prefix && typeof file.prefix === 'object') {
    const p = file.prefix;
    if (BigInt(p.index ?? -1) !== BigInt(small.size) - 1n) {
      throw new VerifyError('fork', `the prefix evidence is for leaf ${p.index}, not leaf ${BigInt(small.size) - 1n}`);
    }
    const root = await prefixRootFromInclusion(p.index, big.size, p.leaf_hash, p.proof, big.root);
    return root === small.root
      ? out('consistent', `the first ${small.size} entries of the larger tree have the smaller tree's root`)
      : out('fork', `the tree of ${big.size} entries (root ${big.root}) has root ${root} for its first ${small.size} entries, but ${small.root} was signed for them`);
  }
  if (file.consistency && typeof file.consistency === 'object') {
    try {
      await verifyConsistency(small.size, big.size, small.root, big.root, file.consistency.proof);
      return out('consistent', 'the consistency proof in the file verifies');
    } catch {
      // a failing proof proves nothing by itself
    }
  }
  if (first === big) {
    return out('inconclusive', `the checkpoint seen later is smaller (${later.size} entries) than the one seen first (${first.size}): the ledger was rolled back, or the later view lags behind; the signatures alone cannot show which came first`);
  }
  return out('inconclusive', 'no evidence in the file shows how the larger tree begins (no prefix inclusion proof)');
}

/** The fork proof file as downloaded: pretty JSON with a final newline. */
export function forkProofText(file) {
  return `${JSON.stringify(file, null, 2)}\n`;
}
