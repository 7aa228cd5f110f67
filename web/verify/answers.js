// The server's API answers checked against its signed checkpoint (SPEC.md §9, applied to the
// answers of /api/v1): the checkpoint /info publishes, one entry with its inclusion proof
// (/entries/{seq}), and every entry, page by page (/entries?start=&limit=). The requests are
// the caller's; these functions only check what they are given.

import { toHex, utf8 } from './bytes.js';
import { VerifyError } from './errors.js';
import { decodeLeaf } from './entry.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { verifyCheckpoint } from './note.js';
import { Verifier } from './verifier.js';
import { splitLeafTexts } from './bundle.js';

/**
 * Verifies the signed checkpoint of an /info answer with the key it publishes, and that it
 * signs the size and root the answer states. Returns the checkpoint {origin, size, root, text}.
 *
 * Throws VerifyError when the signature does not verify or the signed size or root differ.
 */
export async function verifyPublishedCheckpoint(info) {
  const cp = await verifyCheckpoint(info.checkpoint, info.key);
  if (cp.size !== info.size || cp.root !== info.root) throw new VerifyError('checkpoint', 'the signed checkpoint differs from the size and root the server reports');
  return cp;
}

/**
 * Checks an /entries/{seq} answer: leaf hash, canonical form, checkpoint signature with the
 * published key `key`, inclusion proof. Calls step(name, ok, detail) as it goes. Returns the
 * decoded entry, the checkpoint and the leaf hash (hex).
 *
 * Throws VerifyError (or the error of the check that failed) at the first check that fails.
 */
export async function verifyEntryAnswer(answer, key, step) {
  const leafBytes = utf8(answer.leaf);
  const hash = toHex(await leafHash(leafBytes));
  if (hash !== answer.leaf_hash || (answer.proof && answer.proof.leaf_hash !== undefined && answer.proof.leaf_hash !== hash)) {
    step('check_leaf_hash', false);
    throw new VerifyError('proof', `the leaf hashes to ${hash}, not to the published ${answer.leaf_hash}`);
  }
  step('check_leaf_hash', true);
  let entry;
  try {
    entry = decodeLeaf(leafBytes);
    if (entry.seq !== answer.seq) throw new VerifyError('malformed', `the leaf says seq ${entry.seq}, not ${answer.seq}`);
  } catch (e) {
    step('check_canonical', false);
    throw e;
  }
  step('check_canonical', true);
  let cp;
  try {
    cp = await verifyCheckpoint(answer.checkpoint, key);
  } catch (e) {
    step('check_signature', false);
    throw e;
  }
  step('check_signature', true);
  const p = answer.proof;
  try {
    if (!p || p.size !== cp.size || p.root !== cp.root || p.index !== answer.seq) {
      throw new VerifyError('proof', 'the proof is not for this entry and the signed checkpoint');
    }
    await verifyInclusion(answer.seq, cp.size, hash, p.proof, cp.root);
  } catch (e) {
    step('check_inclusion', false, { size: cp.size });
    throw e;
  }
  step('check_inclusion', true, { size: cp.size });
  return { entry, cp, hash };
}

/**
 * Verifies the whole ledger a server serves against its signed checkpoint `checkpoint`
 * ({note, key}) of `size` entries, and the totals it claims (`claimed`, as /api/v1/totals).
 *
 * `fetchEntries(start, limit)` resolves to the NDJSON bytes of (at most `limit`) entries from
 * `start`. Up to `ahead` requests of `pageSize` entries are in flight while a page is checked;
 * a page is used only if it starts where the checked entries end (a server may send fewer
 * entries than asked for: then the pages asked for ahead are dropped and asked for again).
 * With `prefix` ({size, root}, a checkpoint verified earlier with the same key and
 * `prefix.size <= size`), the first `prefix.size` entries must have `prefix.root`.
 * `onPage(count)` is awaited after each page with the number of entries checked so far.
 *
 * Returns the report of Verifier.finish. Throws VerifyError naming the entry, the prefix or
 * the checkpoint at fault, or the error of a failed request.
 */
export async function verifyServedLedger({
  checkpoint, size: n, claimed, fetchEntries, pageSize, ahead: inFlight, prefix, onPage,
}) {
  const v = new Verifier();
  const fetchPage = (start) => {
    const promise = fetchEntries(start, Math.min(pageSize, n - start));
    promise.catch(() => {}); // a page fetched ahead and never used must not be an unhandled rejection
    return { start, end: Math.min(n, start + pageSize), promise };
  };
  let ahead = [];
  while (v.size < n) {
    const start = v.size;
    if (ahead.length === 0 || ahead[0].start !== start) ahead = [fetchPage(start)];
    while (ahead.length < inFlight && ahead[ahead.length - 1].end < n) ahead.push(fetchPage(ahead[ahead.length - 1].end));
    const page = ahead.shift();
    const bytes = await page.promise;
    const { leaves, texts } = splitLeafTexts(bytes);
    if (leaves.length === 0) throw new VerifyError('checkpoint_size', `the server sent no entries from ${start}, but the checkpoint covers ${n}`);
    const take = Math.min(leaves.length, n - start);
    for (let i = 0; i < take; i++) {
      v.checkLeafSync(leaves[i], texts ? texts[i] : undefined);
      if (prefix && v.size === prefix.size) {
        const r = v.rootSync();
        if (r !== prefix.root) {
          throw new VerifyError('prefix', `entries 0..${prefix.size - 1} have root ${r}, not the root ${prefix.root} verified earlier`, { prefixSize: prefix.size - 1 });
        }
      }
    }
    if (onPage) await onPage(v.size);
  }
  return v.finish(checkpoint, claimed);
}
