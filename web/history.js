// History check across visits (SPEC.md §6.1): the page remembers the last signed checkpoint it
// verified (the whole signed note) and, on the next visit, proves that today's ledger extends
// it. A check that cannot be completed is a result of its own ("could not confirm"), never
// silence; a rewritten history yields a fork proof file any third party can check (SPEC.md
// §6.2). The verifier's side of the page: functions over the server's answers and a Storage,
// every proof checked by verify.js (consistency, prefix roots, fork proof files); no DOM
// (views/history-alert.js shows the results).

import {
  VerifyError, verifyCheckpoint, verifyConsistency, readCheckpointUnverified, prefixRootFromInclusion,
  forkProof, hashFromHex, verifyEntryAnswer, KeyChain,
} from './verify.js';

/** The localStorage key of the remembered checkpoint of a site served at the root of its host. */
export const STORE_KEY = 'fundtrail.verified';

/**
 * The localStorage key of the remembered checkpoint of the site whose root is at `sitePath`
 * (base.js): STORE_KEY at `/` (one ledger per host, as always), and a key of its own for each
 * organisation of a platform (`/o/ngo-a/`), which share the host's storage but not a ledger:
 * one organisation's checkpoint must never be compared with another's.
 */
export function storeKeyFor(sitePath) {
  return !sitePath || sitePath === '/' ? STORE_KEY : `${STORE_KEY} ${sitePath}`;
}

let storeKey = STORE_KEY;

/** Remembers checkpoints under `key` from now on (storeKeyFor the page's site). */
export function useStoreKey(key) {
  storeKey = key;
}

const storageOf = (storage) => storage ?? globalThis.localStorage;

/**
 * The remembered checkpoint, or null: `{ key, size, root, note, at }` where `note` is the
 * signed checkpoint text; its size and root are read from the note. The older stored form
 * kept only size and root (no note): it is still used, and replaced by the full one on the
 * next confirmed visit. Anything else stored under the key counts as nothing remembered.
 */
export function loadRemembered(storage) {
  try {
    const v = JSON.parse(storageOf(storage).getItem(storeKey) || 'null');
    if (!v || typeof v.key !== 'string') return null;
    if (typeof v.note === 'string') {
      const cp = readCheckpointUnverified(v.note);
      if (typeof cp.size !== 'number') return null;
      return {
        key: v.key, size: cp.size, root: cp.root, note: v.note, at: v.at,
      };
    }
    if (v.note !== undefined || !Number.isSafeInteger(v.size) || v.size < 0 || !hashFromHex(v.root)) return null;
    return {
      key: v.key, size: v.size, root: v.root, note: undefined, at: v.at,
    };
  } catch {
    return null;
  }
}

/**
 * Remembers the signed checkpoint `note` after verifying it with `key`; returns its content.
 * Storage failures (private mode) are ignored: the page then simply remembers nothing.
 *
 * Throws VerifyError when the note does not verify (nothing is stored then).
 */
export async function rememberCheckpoint(note, key, storage) {
  const cp = await verifyCheckpoint(note, key);
  if (typeof cp.size !== 'number') throw new VerifyError('checkpoint', 'checkpoint: size too large to remember');
  try {
    storageOf(storage).setItem(storeKey, JSON.stringify({
      v: 2, key: key.trim(), note, size: cp.size, root: cp.root, at: new Date().toISOString(),
    }));
  } catch {
    // ignore: storage unavailable
  }
  return cp;
}

// ---------------------------------------------------------------------------------------
// The check on every visit

/**
 * Checks today's ledger against the remembered checkpoint. `server` answers
 * `info()` ({key, keys, checkpoint}), `consistency(from, to)`, `inclusion(index, size)` and
 * `entry(seq)` (the API's JSON), throwing on any failure. Resolves to one of:
 *
 * - `{ kind: 'none' }`: nothing remembered.
 * - `{ kind: 'same', current }`: the same checkpoint as remembered.
 * - `{ kind: 'extended', current }`: proved to extend the remembered one.
 * - `{ kind: 'unconfirmed', step, reason }`: the check could not be completed (`step`:
 *   `info`, `checkpoint` or `consistency`); the history may or may not have been rewritten.
 * - `{ kind: 'key_changed', oldKey, newKey, current }`: the site signs with another key and
 *   did not prove that the remembered key handed over to it; `current` is its checkpoint
 *   verified with the new key (null if it does not verify).
 *
 * When the site signs with another key and proves the hand-over (SPEC.md §23: each
 * `key.rotate` entry from the remembered key to today's, signed by the key before it and
 * included in today's tree), the check goes on as with the same key, and `same` or
 * `extended` also carry `rotated: { oldKey, newKey }`.
 * - `{ kind: 'rewritten', how, reason, proof }`: the remembered checkpoint is not a prefix
 *   of today's (`how`: `same_size`, `shrunk` or `proof_failed`); `proof` is the fork proof
 *   file (null when the remembered form has no signed note).
 *
 * Every verdict but `none` also carries `remembered`; `current` is `{ key, note, size, root }`
 * of today's verified checkpoint: the caller remembers it for `same` (upgrading the older
 * stored form) and `extended`.
 */
export async function checkHistory(remembered, server, options = {}) {
  if (!remembered) return { kind: 'none' };
  return { ...await compare(remembered, server, options), remembered };
}

async function compare(remembered, server, { site = '', now = () => new Date() }) {
  let info;
  try {
    info = await server.info();
  } catch (e) {
    return { kind: 'unconfirmed', step: 'info', reason: reasonOf(e) };
  }
  const key = typeof info.key === 'string' ? info.key.trim() : '';
  const rotated = key !== remembered.key.trim() && await provenRotation(remembered.key.trim(), key, info, server)
    ? { rotated: { oldKey: remembered.key, newKey: key } }
    : {};
  if (key !== remembered.key.trim() && !rotated.rotated) {
    let current = null;
    try {
      current = await currentOf(info.checkpoint, key);
    } catch {
      current = null;
    }
    return {
      kind: 'key_changed', oldKey: remembered.key, newKey: key, current,
    };
  }
  let current;
  try {
    current = await currentOf(info.checkpoint, key);
  } catch (e) {
    return { kind: 'unconfirmed', step: 'checkpoint', reason: reasonOf(e) };
  }
  const fork = (how, reason, extra = {}) => ({
    kind: 'rewritten',
    how,
    reason,
    current,
    proof: remembered.note ? forkProof(remembered, current, { ...extra, site, found: now().toISOString() }) : null,
  });
  if (current.size === remembered.size) {
    if (current.root === remembered.root) return { kind: 'same', current, ...rotated };
    return fork('same_size', `two different roots for ${remembered.size} entries: ${remembered.root} then ${current.root}`);
  }
  if (current.size < remembered.size) {
    return fork('shrunk', `the ledger had ${remembered.size} entries (root ${remembered.root}) and now has ${current.size} (root ${current.root})`);
  }
  if (remembered.size === 0) return { kind: 'extended', current, ...rotated };
  let answer;
  try {
    answer = await server.consistency(remembered.size, current.size);
    if (!answer || answer.from !== remembered.size || answer.to !== current.size || !Array.isArray(answer.proof)) {
      throw new VerifyError('proof', `the server answered with a consistency proof for other sizes than ${remembered.size} to ${current.size}`);
    }
  } catch (e) {
    return { kind: 'unconfirmed', step: 'consistency', reason: reasonOf(e) };
  }
  try {
    await verifyConsistency(remembered.size, current.size, remembered.root, current.root, answer.proof);
    return { kind: 'extended', current, ...rotated };
  } catch (e) {
    const consistency = { from: remembered.size, to: current.size, proof: answer.proof };
    const prefix = await prefixEvidence(server, remembered, current);
    if (prefix && prefix.root === remembered.root) {
      // The server's own tree does extend the remembered one; only its proof was wrong.
      return { kind: 'unconfirmed', step: 'consistency', reason: `the server's consistency proof does not verify: ${reasonOf(e)}` };
    }
    return fork('proof_failed', `the consistency proof from ${remembered.size} to ${current.size} entries does not verify: ${reasonOf(e)}`, {
      consistency, prefix: prefix ? prefix.evidence : undefined,
    });
  }
}

/**
 * Whether the site proves that `oldKey` handed the ledger over to `key` (SPEC.md §23): its
 * `info.keys` lists `oldKey` then later keys ending with `key`, and for each later key the
 * server gives the `key.rotate` entry just before its `from`, included in a checkpoint signed
 * by `key`, and signed by the key before it over that entry's `prev`. Any failure (a server
 * without the entry route, a proof that does not verify) is no proof.
 */
async function provenRotation(oldKey, key, info, server) {
  try {
    const keys = Array.isArray(info.keys) ? info.keys : [];
    const start = keys.findIndex((k) => k && k.key === oldKey);
    if (start < 0 || start === keys.length - 1 || keys[keys.length - 1].key !== key || !server.entry) return false;
    const chain = new KeyChain(oldKey.slice(0, oldKey.indexOf('+')), [{ from: 0, key: oldKey }]);
    for (const next of keys.slice(start + 1)) {
      const seq = next.from - 1;
      const { entry } = await verifyEntryAnswer(await server.entry(seq), key, () => {});
      if (entry.kind !== 'key.rotate' || entry.seq !== seq || entry.body.verifier_key !== next.key) return false;
      await chain.apply(seq, entry.prev, entry.body);
    }
    return chain.inForce() === key;
  } catch {
    return false;
  }
}

/** Today's checkpoint `{ key, note, size, root }`, verified with `key`. */
async function currentOf(note, key) {
  const cp = await verifyCheckpoint(note, key);
  if (typeof cp.size !== 'number') throw new VerifyError('checkpoint', 'checkpoint: size too large');
  return {
    key, note, size: cp.size, root: cp.root,
  };
}

/**
 * The server's inclusion proof of leaf `remembered.size - 1` in today's tree and the prefix
 * root it gives, or null when the server does not give a valid one.
 */
async function prefixEvidence(server, remembered, current) {
  try {
    const index = remembered.size - 1;
    const a = await server.inclusion(index, current.size);
    if (!a || a.index !== index || a.size !== current.size || !Array.isArray(a.proof)) return null;
    const root = await prefixRootFromInclusion(index, current.size, a.leaf_hash, a.proof, current.root);
    return { root, evidence: { index, leaf_hash: a.leaf_hash, proof: a.proof } };
  } catch {
    return null;
  }
}

function reasonOf(e) {
  return String(e && e.message ? e.message : e);
}
