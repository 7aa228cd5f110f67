// The page's history check across visits (web/history.js): what it concludes from the
// server's answers, what it remembers, and the fork proof files it makes and checks (with
// web/verify/merkle.js and web/verify/fork.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkHistory, loadRemembered, rememberCheckpoint, STORE_KEY, storeKeyFor, useStoreKey,
} from '../../web/history.js';
import {
  rootOf, sha256, toHex, utf8, VerifyError, checkForkProof, forkProof, forkProofText,
  prefixRootFromInclusion, FORK_PROOF_FORMAT,
} from '../../web/verify.js';
import {
  makeKey, checkpoint, inclusionProof, consistencyProof,
} from './fixtures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** n leaf hashes; `salt` makes another history. */
async function leafHashes(n, salt = 'a') {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await sha256(utf8(`${salt}${i}`)));
  return out;
}

/** A Storage in memory. */
function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
}

/**
 * A log server over `hashes`, signing with `key`; `fail` names answers that throw (like a 500)
 * and `lie` replaces answers.
 */
function server(key, hashes, { fail = [], lie = {} } = {}) {
  const http500 = (what) => {
    const e = new Error(`HTTP 500: ${what} failed`);
    e.status = 500;
    return e;
  };
  return {
    calls: [],
    async info() {
      this.calls.push('info');
      if (fail.includes('info')) throw http500('info');
      return { key: key.vkey, checkpoint: lie.checkpoint ?? await checkpoint(key, hashes.length, toHex(await rootOf(hashes))) };
    },
    async consistency(from, to) {
      this.calls.push(`consistency ${from} ${to}`);
      if (fail.includes('consistency')) throw http500('consistency');
      return lie.consistency ?? {
        from, to, proof: await consistencyProof(hashes, from),
      };
    },
    async inclusion(index, size) {
      this.calls.push(`inclusion ${index} ${size}`);
      if (fail.includes('inclusion')) throw http500('inclusion');
      return {
        index, size, leaf_hash: toHex(hashes[index]), proof: await inclusionProof(hashes.slice(0, size), index),
      };
    },
  };
}

/** What the page remembers after verifying `hashes` signed by `key`. */
async function remembered(key, hashes) {
  const storage = memoryStorage();
  await rememberCheckpoint(await checkpoint(key, hashes.length, toHex(await rootOf(hashes))), key.vkey, storage);
  return loadRemembered(storage);
}

test('the root of a prefix follows from the inclusion proof of its last leaf, for every size', async () => {
  const all = await leafHashes(33);
  for (let n = 1; n <= all.length; n++) {
    const hashes = all.slice(0, n);
    const rootN = toHex(await rootOf(hashes));
    for (let m = 1; m <= n; m++) {
      const proof = await inclusionProof(hashes, m - 1);
      const prefix = await prefixRootFromInclusion(m - 1, n, toHex(hashes[m - 1]), proof, rootN);
      assert.equal(prefix, toHex(await rootOf(hashes.slice(0, m))), `m=${m} n=${n}`);
    }
  }
  const hashes = all.slice(0, 20);
  const proof = await inclusionProof(hashes, 9);
  proof[1] = proof[1].replace(/^./, (c) => (c === '0' ? '1' : '0'));
  await assert.rejects(prefixRootFromInclusion(9, 20, toHex(hashes[9]), proof, toHex(await rootOf(hashes))), VerifyError);
});

test('the whole signed note is remembered, and the older form without it is still read', async () => {
  const key = await makeKey('h.example');
  const hashes = await leafHashes(5);
  const storage = memoryStorage();
  const note = await checkpoint(key, 5, toHex(await rootOf(hashes)));
  await rememberCheckpoint(note, key.vkey, storage);
  const r = loadRemembered(storage);
  assert.deepEqual([r.key, r.size, r.root, r.note], [key.vkey, 5, toHex(await rootOf(hashes)), note]);
  // A note that does not verify is not remembered.
  await assert.rejects(rememberCheckpoint(note.replace('\n5\n', '\n6\n'), key.vkey, storage));
  assert.equal(loadRemembered(storage).size, 5);
  // The form stored before the whole note was kept.
  storage.setItem(STORE_KEY, JSON.stringify({
    key: key.vkey, size: 3, root: toHex(await rootOf(hashes.slice(0, 3))), at: '2026-11-01T00:00:00Z',
  }));
  assert.deepEqual({ ...loadRemembered(storage), at: undefined }, {
    key: key.vkey, size: 3, root: toHex(await rootOf(hashes.slice(0, 3))), note: undefined, at: undefined,
  });
  storage.setItem(STORE_KEY, '{"key":"k","size":-1,"root":"00"}');
  assert.equal(loadRemembered(storage), null);
});

test('each organisation of a platform remembers its own checkpoint, and a site at the root keeps the key it always had', async () => {
  assert.equal(storeKeyFor('/'), STORE_KEY);
  assert.notEqual(storeKeyFor('/o/ngo-a/'), storeKeyFor('/o/ngo-b/'));
  const a = await makeKey('h.example/o/ngo-a');
  const b = await makeKey('h.example/o/ngo-b');
  const storage = memoryStorage();
  try {
    useStoreKey(storeKeyFor('/o/ngo-a/'));
    await rememberCheckpoint(await checkpoint(a, 5, toHex(await rootOf(await leafHashes(5)))), a.vkey, storage);
    useStoreKey(storeKeyFor('/o/ngo-b/'));
    assert.equal(loadRemembered(storage), null, 'ngo-b has nothing remembered: it must not be compared with ngo-a');
    await rememberCheckpoint(await checkpoint(b, 2, toHex(await rootOf(await leafHashes(2, 'b')))), b.vkey, storage);
    useStoreKey(storeKeyFor('/o/ngo-a/'));
    assert.deepEqual([loadRemembered(storage).key, loadRemembered(storage).size], [a.vkey, 5]);
  } finally {
    useStoreKey(STORE_KEY);
  }
  assert.equal(loadRemembered(storage), null, 'the root site\'s key holds nothing of either');
});

test('a ledger that grew is proved to extend the remembered checkpoint', async () => {
  const key = await makeKey('h.example');
  const hashes = await leafHashes(30);
  const before = await remembered(key, hashes.slice(0, 11));
  const s = server(key, hashes);
  const v = await checkHistory(before, s);
  assert.equal(v.kind, 'extended');
  assert.deepEqual([v.current.size, v.current.root], [30, toHex(await rootOf(hashes))]);
  assert.deepEqual(s.calls, ['info', 'consistency 11 30']);
  // The older stored form (no note) is checked the same way.
  const old = { ...before, note: undefined };
  assert.equal((await checkHistory(old, server(key, hashes))).kind, 'extended');
  assert.equal((await checkHistory(before, server(key, hashes.slice(0, 11)))).kind, 'same');
  assert.equal((await checkHistory(null, server(key, hashes))).kind, 'none');
});

test('a consistency check that cannot be completed is reported, never silent', async () => {
  const key = await makeKey('h.example');
  const hashes = await leafHashes(30);
  const before = await remembered(key, hashes.slice(0, 11));
  const cases = [
    [{ fail: ['consistency'] }, 'consistency', /HTTP 500/],
    [{ fail: ['info'] }, 'info', /HTTP 500/],
    [{ lie: { consistency: { from: 1, to: 30, proof: [] } } }, 'consistency', /other sizes/],
    [{ lie: { consistency: { from: 11, to: 30 } } }, 'consistency', /other sizes/],
    [{ lie: { checkpoint: 'not a note' } }, 'checkpoint', /well-formed/],
  ];
  for (const [opts, step, reason] of cases) {
    const v = await checkHistory(before, server(key, hashes, opts));
    assert.equal(v.kind, 'unconfirmed', JSON.stringify(opts));
    assert.equal(v.step, step);
    assert.match(v.reason, reason);
  }
  // A wrong proof from a server whose tree does extend the remembered one: not confirmed, not a fork.
  const bogus = { from: 11, to: 30, proof: (await consistencyProof(hashes, 11)).reverse() };
  const v = await checkHistory(before, server(key, hashes, { lie: { consistency: bogus } }));
  assert.deepEqual([v.kind, v.step], ['unconfirmed', 'consistency']);
});

test('a rewritten history gives a fork proof file that proves the fork', async () => {
  const key = await makeKey('h.example');
  const honest = await leafHashes(30);
  const rewritten = [...honest.slice(0, 7), ...await leafHashes(25, 'b')];
  const site = 'https://charity.example';
  const found = () => new Date('2026-11-30T10:00:00Z');
  for (const [size, how] of [[11, 'proof_failed'], [16, 'proof_failed'], [32, 'same_size']]) {
    const before = await remembered(key, (size === 32 ? [...honest, ...honest.slice(0, 2)] : honest).slice(0, size));
    const s = server(key, rewritten);
    const v = await checkHistory(before, s, { site, now: found });
    assert.equal(v.kind, 'rewritten', `size ${size}`);
    assert.equal(v.how, how);
    assert.equal(v.proof.format, FORK_PROOF_FORMAT);
    assert.deepEqual([v.proof.key, v.proof.seen_first, v.proof.site, v.proof.found], [key.vkey, before.note, site, '2026-11-30T10:00:00.000Z']);
    if (how === 'proof_failed') assert.deepEqual(v.proof.prefix.index, size - 1);
    const check = await checkForkProof(forkProofText(v.proof), key.vkey);
    assert.equal(check.verdict, 'fork', check.reason);
    assert.deepEqual([check.first.size, check.later.size], [size, 32]);
  }
});

test('a fork proof without prefix evidence, or with a smaller later checkpoint, does not claim more than it shows', async () => {
  const key = await makeKey('h.example');
  const honest = await leafHashes(30);
  const rewritten = [...honest.slice(0, 7), ...await leafHashes(25, 'b')];
  const before = await remembered(key, honest.slice(0, 11));
  const v = await checkHistory(before, server(key, rewritten, { fail: ['inclusion'] }));
  assert.deepEqual([v.kind, v.how, v.proof.prefix], ['rewritten', 'proof_failed', undefined]);
  assert.equal(v.proof.consistency.from, 11);
  assert.equal((await checkForkProof(v.proof, key.vkey)).verdict, 'inconclusive');
  const shrunk = await checkHistory(await remembered(key, honest), server(key, rewritten.slice(0, 20)));
  assert.deepEqual([shrunk.kind, shrunk.how], ['rewritten', 'shrunk']);
  const check = await checkForkProof(shrunk.proof, key.vkey);
  assert.equal(check.verdict, 'inconclusive');
  assert.match(check.reason, /rolled back/);
  // The older stored form has no signed note: the warning stands, but there is no file.
  const old = { ...before, note: undefined };
  const w = await checkHistory(old, server(key, rewritten));
  assert.deepEqual([w.kind, w.proof], ['rewritten', null]);
});

test('a fork proof file checks both signatures with the key', async () => {
  const key = await makeKey('h.example');
  const other = await makeKey('h.example');
  const a = await remembered(key, await leafHashes(4));
  const b = await remembered(key, await leafHashes(4, 'b'));
  const file = forkProof(a, b);
  assert.equal((await checkForkProof(file)).verdict, 'fork');
  await assert.rejects(checkForkProof(file, other.vkey), /signature/);
  await assert.rejects(checkForkProof({ ...file, seen_later: b.note.replace('\n4\n', '\n5\n') }, key.vkey), /signature/);
  await assert.rejects(checkForkProof('{}', key.vkey), /not a fork proof file/);
  await assert.rejects(checkForkProof('nope', key.vkey), /not JSON/);
  assert.equal((await checkForkProof(forkProof(a, a), key.vkey)).verdict, 'consistent');
});

test('the key changing is reported with the new checkpoint, never taken silently', async () => {
  const key = await makeKey('h.example');
  const next = await makeKey('h.example');
  const hashes = await leafHashes(12);
  const before = await remembered(key, hashes.slice(0, 10));
  const v = await checkHistory(before, server(next, hashes));
  assert.equal(v.kind, 'key_changed');
  assert.deepEqual([v.oldKey, v.newKey, v.current.size], [key.vkey, next.vkey, 12]);
  const bad = await checkHistory(before, server(next, hashes, { lie: { checkpoint: await checkpoint(key, 12, toHex(await rootOf(hashes))) } }));
  assert.deepEqual([bad.kind, bad.current], ['key_changed', null]);
});

test('the shared fork proof vectors get the verdict both implementations agree on', async () => {
  const dir = path.join(root, 'tests', 'vectors', 'fork');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  assert.ok(Object.keys(expected).length >= 5);
  for (const [name, want] of Object.entries(expected)) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    let got;
    try {
      got = (await checkForkProof(text, want.key)).verdict;
    } catch {
      got = 'error';
    }
    assert.equal(got, want.verdict, name);
  }
});
