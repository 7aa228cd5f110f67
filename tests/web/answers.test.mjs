// The verifier's checks of the server's API answers (web/verify/answers.js), which the page's
// overview, entry, search and "Verify everything" views call: /info's checkpoint, one entry
// with its inclusion proof, and the whole ledger served page by page. No server: the answers
// are built from a sample ledger signed with a fresh key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  verifyPublishedCheckpoint, verifyEntryAnswer, verifyServedLedger, Verifier, VerifyError, utf8, hashFromHex,
} from '../../web/verify.js';
import {
  makeKey, buildLeaves, bundleOf, sampleItems, inclusionProof,
} from './fixtures.mjs';

async function sampleLedger() {
  const key = await makeKey('fundtrail.example');
  const { leaves, hashes } = await buildLeaves(sampleItems());
  const { root, note } = await bundleOf(key, leaves);
  const v = new Verifier();
  for (const l of leaves) v.pushLeafSync(l);
  return {
    key, leaves, hashes, root, note, totals: v.totals(),
  };
}

/** A fetchEntries that serves at most `most` entries per request and records what it was asked. */
function servedBy(leaves, most, asked) {
  return async (start, limit) => {
    asked.push([start, limit]);
    return utf8(leaves.slice(start, start + Math.min(limit, most)).map((l) => `${l}\n`).join(''));
  };
}

async function rejects(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof VerifyError, `a VerifyError, not ${e}`);
    return e;
  }
  throw new Error('expected a VerifyError');
}

test('the whole served ledger is checked page by page, and pages are asked for again after a short answer', async () => {
  const l = await sampleLedger();
  const asked = [];
  const pages = [];
  const report = await verifyServedLedger({
    checkpoint: { note: l.note, key: l.key.vkey },
    size: l.leaves.length,
    claimed: l.totals,
    fetchEntries: servedBy(l.leaves, 3, asked),
    pageSize: 4,
    ahead: 2,
    prefix: null,
    onPage: (n) => { pages.push(n); },
  });
  assert.deepEqual([report.size, report.root], [l.leaves.length, l.root]);
  assert.deepEqual(report.totals, l.totals);
  assert.deepEqual(pages, [3, 6, 9]);
  // Asked for 0..4 and 4..8 ahead; only 3 came back, so 3.. is asked for again, and so on.
  assert.deepEqual(asked, [[0, 4], [4, 4], [3, 4], [7, 2], [6, 3]]);
});

test('a served ledger whose first entries do not have the remembered root is refused naming the prefix', async () => {
  const l = await sampleLedger();
  const served = {
    checkpoint: { note: l.note, key: l.key.vkey }, size: l.leaves.length, claimed: l.totals, pageSize: 1000, ahead: 3,
  };
  const good = await verifyServedLedger({ ...served, fetchEntries: servedBy(l.leaves, 1000, []), prefix: { size: 4, root: (await bundleOf(l.key, l.leaves.slice(0, 4))).root } });
  assert.equal(good.root, l.root);
  const e = await rejects(() => verifyServedLedger({ ...served, fetchEntries: servedBy(l.leaves, 1000, []), prefix: { size: 4, root: 'ab'.repeat(32) } }));
  assert.equal(e.code, 'prefix');
  assert.equal(e.prefixSize, 3);
  assert.match(e.message, /^entries 0\.\.3 have root [0-9a-f]{64}, not the root (ab){32} verified earlier$/);
});

test('a server that stops sending entries, or claims other totals, is refused', async () => {
  const l = await sampleLedger();
  const served = {
    checkpoint: { note: l.note, key: l.key.vkey }, size: l.leaves.length, pageSize: 1000, ahead: 3, prefix: null,
  };
  const none = await rejects(() => verifyServedLedger({ ...served, claimed: l.totals, fetchEntries: async () => new Uint8Array(0) }));
  assert.equal(none.code, 'checkpoint_size');
  const claimed = JSON.parse(JSON.stringify(l.totals));
  claimed.currencies.VND.balance = '1';
  const totals = await rejects(() => verifyServedLedger({ ...served, claimed, fetchEntries: servedBy(l.leaves, 1000, []) }));
  assert.equal(totals.code, 'totals');
});

test('an entry answer is proved step by step, and a changed leaf hash stops at the first step', async () => {
  const l = await sampleLedger();
  const seq = 3;
  const answer = {
    seq,
    leaf: l.leaves[seq],
    leaf_hash: l.hashes[seq],
    checkpoint: l.note,
    proof: {
      index: seq, size: l.leaves.length, root: l.root, proof: await inclusionProof(l.hashes.map(hashFromHex), seq),
    },
  };
  const steps = [];
  const r = await verifyEntryAnswer(answer, l.key.vkey, (name, ok, params) => steps.push([name, ok, params]));
  assert.equal(r.entry.seq, seq);
  assert.equal(r.hash, l.hashes[seq]);
  assert.equal(r.cp.size, l.leaves.length);
  assert.deepEqual(steps, [
    ['check_leaf_hash', true, undefined], ['check_canonical', true, undefined], ['check_signature', true, undefined],
    ['check_inclusion', true, { size: l.leaves.length }],
  ]);
  const failed = [];
  const e = await rejects(() => verifyEntryAnswer({ ...answer, leaf_hash: l.hashes[seq + 1] }, l.key.vkey, (name, ok) => failed.push([name, ok])));
  assert.equal(e.code, 'proof');
  assert.deepEqual(failed, [['check_leaf_hash', false]]);
  const other = await rejects(() => verifyEntryAnswer({ ...answer, proof: { ...answer.proof, index: seq + 1 } }, l.key.vkey, () => {}));
  assert.equal(other.code, 'proof');
});

test('the checkpoint /info publishes must sign the size and root /info states', async () => {
  const l = await sampleLedger();
  const info = {
    key: l.key.vkey, checkpoint: l.note, size: l.leaves.length, root: l.root,
  };
  assert.equal((await verifyPublishedCheckpoint(info)).root, l.root);
  assert.equal((await rejects(() => verifyPublishedCheckpoint({ ...info, size: info.size + 1 }))).code, 'checkpoint');
  assert.equal((await rejects(() => verifyPublishedCheckpoint({ ...info, root: 'ab'.repeat(32) }))).code, 'checkpoint');
  const other = await makeKey('fundtrail.example');
  assert.equal((await rejects(() => verifyPublishedCheckpoint({ ...info, key: other.vkey }))).code, 'signature');
});
