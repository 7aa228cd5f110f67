// Tests of the independent JavaScript verifier (web/verify.js). Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  verifyInclusion, verifyConsistency, fromBase64, toBase64, leafHash, toHex, rootOf,
  verifyNote, verifyCheckpoint, parseVerifierKey, verifyBundle, Verifier, decodeLeaf,
  formatMoney, canonicalize, checkTotals, splitLeaves, VerifyError, utf8, hashFromHex,
  sha256, sha256Sync, leafHashSync, nodeHashSync, splitLeafTexts, decodeUtf8,
} from '../../web/verify.js';
import {
  makeKey, buildLeaves, bundleOf, sampleItems, leafOf, donation, disbursement, OPEN, checkpoint,
} from './fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

function rfcDir() {
  const inRepo = path.join(repo, 'tests', 'data', 'rfc6962');
  if (fs.existsSync(path.join(inRepo, 'inclusion'))) return inRepo;
  return path.resolve(repo, '..', 'shared', 'vectors', 'rfc6962');
}

function jsonFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

const b64 = (s) => {
  const b = fromBase64(s);
  if (!b) throw new Error(`bad base64 in vector: ${s}`);
  return b;
};

async function rejects(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return null;
}

test('RFC 6962 inclusion vectors', async () => {
  const files = jsonFiles(path.join(rfcDir(), 'inclusion'));
  let ok = 0;
  let bad = 0;
  for (const f of files) {
    const v = JSON.parse(fs.readFileSync(f, 'utf8'));
    const run = () => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    const err = await rejects(run);
    if (v.wantErr) {
      assert.ok(err, `${f} should be rejected`);
      bad++;
    } else {
      assert.equal(err, null, `${f} should verify: ${err && err.message}`);
      ok++;
    }
  }
  assert.equal(files.length, 98, 'number of inclusion vector files');
  assert.equal(ok, 6, 'inclusion vectors accepted');
  assert.equal(ok + bad, files.length);
});

test('RFC 6962 consistency vectors', async () => {
  const files = jsonFiles(path.join(rfcDir(), 'consistency'));
  let ok = 0;
  let bad = 0;
  for (const f of files) {
    const v = JSON.parse(fs.readFileSync(f, 'utf8'));
    const run = () => verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    const err = await rejects(run);
    if (v.wantErr) {
      assert.ok(err, `${f} should be rejected`);
      bad++;
    } else {
      assert.equal(err, null, `${f} should verify: ${err && err.message}`);
      ok++;
    }
  }
  assert.equal(files.length, 98, 'number of consistency vector files');
  assert.equal(ok, 6, 'consistency vectors accepted');
  assert.equal(ok + bad, files.length);
});

test('leaf hash of the empty leaf and root of the empty tree match RFC 6962', async () => {
  assert.equal(toHex(await leafHash(new Uint8Array(0))), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  assert.equal(toHex(await rootOf([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('the JavaScript SHA-256 agrees with WebCrypto and the FIPS 180-4 examples', async () => {
  const known = [
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ['abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
  ];
  for (const [text, want] of known) assert.equal(toHex(sha256Sync(utf8(text))), want, JSON.stringify(text));
  assert.equal(toHex(sha256Sync(new Uint8Array(1000000).fill(0x61))), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  // Every length around the block and padding boundaries, then random lengths, random bytes.
  const lengths = [];
  for (let n = 0; n <= 300; n++) lengths.push(n);
  for (const n of [447, 448, 511, 512, 1023, 1024, 1025, 4095, 4096, 65536]) lengths.push(n);
  for (let i = 0; i < 200; i++) lengths.push(Math.floor(Math.random() * 5000));
  for (const n of lengths) {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    const want = toHex(await sha256(bytes));
    assert.equal(toHex(sha256Sync(bytes)), want, `length ${n}`);
    const leaf = new Uint8Array(n + 1);
    leaf.set(bytes, 1);
    assert.equal(toHex(leafHashSync(bytes)), toHex(await sha256(leaf)), `leaf hash, length ${n}`);
    assert.equal(toHex(await leafHash(bytes)), toHex(leafHashSync(bytes)));
  }
  // Node hashes: SHA-256(0x01 || left || right).
  for (let i = 0; i < 200; i++) {
    const l = crypto.getRandomValues(new Uint8Array(32));
    const r = crypto.getRandomValues(new Uint8Array(32));
    const buf = new Uint8Array(65);
    buf[0] = 1;
    buf.set(l, 1);
    buf.set(r, 33);
    assert.equal(toHex(nodeHashSync(l, r)), toHex(await sha256(buf)));
  }
  // The scratch buffer is reused: a long input after short ones, and short ones after it.
  const big = new Uint8Array(300007);
  for (let o = 0; o < big.length; o += 65536) crypto.getRandomValues(big.subarray(o, o + 65536));
  assert.equal(toHex(sha256Sync(big)), toHex(await sha256(big)));
  assert.equal(toHex(sha256Sync(utf8('abc'))), known[1][1]);
});

test('signed note: the Go sumdb/note known answer verifies, a changed one does not', async () => {
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const note = `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
  const k = await parseVerifierKey(vkey);
  assert.equal(k.name, 'PeterNeumann');
  assert.equal(k.keyId, 'c74f20a3');
  const r = await verifyNote(note, vkey);
  assert.equal(r.text, text);
  assert.ok(await rejects(() => verifyNote(note.replace('answer', 'Answer'), vkey)));
  assert.ok(await rejects(() => verifyNote(note, vkey.replace('c74f20a3', 'c74f20a4'))));
  assert.ok(await rejects(() => verifyNote(text, vkey)));
});

test('checkpoint: verifies with its key, not with another, not when changed', async () => {
  const key = await makeKey('example.org/ledger');
  const other = await makeKey('example.org/ledger');
  const root = 'ab'.repeat(32);
  const note = await checkpoint(key, 12, root);
  const cp = await verifyCheckpoint(note, key.vkey);
  assert.deepEqual([cp.origin, cp.size, cp.root], ['example.org/ledger', 12, root]);
  const e1 = await rejects(() => verifyCheckpoint(note.replace('\n12\n', '\n13\n'), key.vkey));
  assert.match(e1.message, /signature does not verify/);
  assert.ok(await rejects(() => verifyCheckpoint(note, other.vkey)));
  const wrongOrigin = await makeKey('example.org/other');
  const e2 = await rejects(async () => verifyCheckpoint(await checkpoint(wrongOrigin, 1, root).then((n) => n.replace(/^example.org\/other/, 'example.org/other')), key.vkey));
  assert.ok(e2);
});

test('a sample ledger of every kind verifies, with the totals it implies', async () => {
  const key = await makeKey('fundtrail.example');
  const { leaves, hashes } = await buildLeaves(sampleItems());
  const b = await bundleOf(key, leaves);
  const progress = [];
  const report = await verifyBundle(utf8(b.text), { onProgress: (n) => progress.push(n) });
  assert.equal(report.size, leaves.length);
  assert.equal(report.root, b.root);
  assert.equal(report.key, key.vkey);
  assert.deepEqual(progress.at(-1), leaves.length);
  const flood = report.totals.campaigns[0];
  assert.deepEqual(
    [flood.donated, flood.disbursed, flood.transferred_out, flood.reversed, flood.balance, flood.donations, flood.disbursements],
    ['501000', '300000', '100000', '250000', '101000', 2, 1],
  );
  const school = report.totals.campaigns[1];
  assert.equal(school.status, 'closed');
  assert.equal(school.balance, '100000');
  assert.deepEqual(report.totals.currencies.VND, {
    donated: '501000', disbursed: '300000', reversed: '250000', balance: '201000',
  });
  // Claimed totals equal to the computed ones pass; any change is named.
  const claimed = JSON.parse(JSON.stringify(report.totals));
  await verifyBundle(b.text, { claimed });
  claimed.campaigns[0].balance = '101001';
  const e = await rejects(() => verifyBundle(b.text, { claimed }));
  assert.match(e.message, /campaign flood-2026 VND: claimed balance 101001, entries add up to 101000/);
  // Leaf by leaf gives the same hashes; the bundle can arrive in arbitrary chunks.
  const v = new Verifier();
  for (let i = 0; i < leaves.length; i++) assert.equal((await v.pushLeaf(leaves[i])).hash, hashes[i]);
  const bytes = utf8(b.text);
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.slice(i, i + 7));
  assert.equal((await verifyBundle(chunks)).root, b.root);
  assert.equal(splitLeaves(utf8(leaves.map((l) => `${l}\n`).join(''))).length, leaves.length);
});

/** Builds a bundle from items, replacing leaf `at` with `mutate(leaf)`, then re-chaining. */
async function tampered(items, at, mutate) {
  const { leaves } = await buildLeaves(items);
  const out = [];
  let prev = '0'.repeat(64);
  for (let i = 0; i < leaves.length; i++) {
    let l = leaves[i];
    if (i > 0) l = l.replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${prev}"`);
    if (i === at) l = mutate(l);
    out.push(l);
    prev = toHex(await leafHash(l));
  }
  return out;
}

const CASES = [
  ['broken link', 3, (l) => l.replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${'f'.repeat(64)}"`), /entry 3: prev does not match the leaf hash of entry 2/],
  ['whitespace', 2, (l) => l.replace(',', ', '), /entry 2: bytes are not the canonical/],
  ['escaped letter', 2, (l) => l.replace('Nguyễn', 'Nguy\\u1ec5n'), /entry 2: bytes are not the canonical/],
  ['unsorted keys', 2, (l) => l.replace('{"body":{"amount":"500000","campaign":"flood-2026",', '{"body":{"campaign":"flood-2026","amount":"500000",'), /entry 2: bytes are not the canonical/],
  ['unknown field', 2, (l) => l.replace('"amount"', '"zzz":"1","amount"'), /entry 2: not a valid entry: body: unknown field `zzz`/],
  ['unknown envelope field', 2, (l) => l.replace('"seq"', '"extra":1,"seq"'), /entry 2: not a valid entry: unknown field `extra`/],
  ['unknown kind', 2, (l) => l.replace('"donation"', '"gift"'), /entry 2: unknown kind "gift"/],
  ['version', 2, (l) => l.replace('"v":1', '"v":2'), /entry 2: unsupported format version 2/],
  ['float seq', 2, (l) => l.replace('"seq":2', '"seq":2.0'), /entry 2: not a valid entry/],
  ['numeric amount', 2, (l) => l.replace('"500000"', '500000'), /entry 2: not a valid entry/],
  ['leading zero amount', 2, (l) => l.replace('"500000"', '"0500000"'), /entry 2: not a valid entry/],
  ['duplicate key', 2, (l) => l.replace('{"body"', '{"seq":2,"body"'), /entry 2: not a valid entry: duplicate field/],
  ['null optional', 2, (l) => l.replace('"received_at"', '"memo":null,"received_at"'), /entry 2: bytes are not the canonical encoding/],
  ['wrong seq', 2, (l) => l.replace('"seq":2', '"seq":7'), /entry 2: seq is 7, expected 2/],
  ['empty donor', 2, (l) => l.replace('"Nguyễn Văn A"', '"   "'), /entry 2: field body.donor: must not be empty/],
  ['bad date', 2, (l) => l.replace('"2026-11-01"', '"2026-02-30"'), /entry 2: field body.received_at/],
  ['bad recorded_at', 2, (l) => l.replace(/"recorded_at":"[^"]*"/, '"recorded_at":"2026-11-01T02:00:00Z"'), /entry 2: field recorded_at/],
  ['control char', 2, (l) => l.replace('"Nguyễn Văn A"', '"Nguyễn\\tA"'), /entry 2: field body.donor: contains control characters/],
  ['bad slug', 2, (l) => l.replace('"campaign":"flood-2026"', '"campaign":"Flood"'), /entry 2: field body.campaign/],
  ['unknown campaign', 2, (l) => l.replace('"campaign":"flood-2026"', '"campaign":"nope"'), /entry 2: campaign "nope" does not exist/],
  ['currency mismatch', 2, (l) => l.replace('"currency":"VND"', '"currency":"USD"'), /entry 2: currency USD does not match campaign "flood-2026"'s currency VND/],
  ['unknown currency', 2, (l) => l.replace('"currency":"VND"', '"currency":"XYZ"'), /entry 2: not a valid entry: body: .*unknown currency/],
  ['overdraw', 5, (l) => l.replace('"300000"', '"900000"'), /entry 5: campaign "flood-2026" holds 751000 minor units of VND, 900000 needed/],
  ['reverse twice', 8, () => null, null],
];

test('tampered ledgers are rejected naming the entry', async () => {
  const key = await makeKey('fundtrail.example');
  let n = 0;
  for (const [name, at, mutate, want] of CASES) {
    if (!want) continue;
    const leaves = await tampered(sampleItems(), at, mutate);
    const b = await bundleOf(key, leaves);
    const e = await rejects(() => verifyBundle(b.text));
    assert.ok(e instanceof VerifyError, `${name}: should be rejected`);
    assert.match(e.message, want, `${name}: ${e.message}`);
    assert.equal(e.seq, at, name);
    n++;
  }
  assert.equal(n, CASES.length - 1);
});

test('invariants: closed campaigns, reversals, time order', async () => {
  const key = await makeKey('fundtrail.example');
  const base = sampleItems();
  const expectErr = async (items, re, seq) => {
    const { leaves } = await buildLeaves(items);
    const b = await bundleOf(key, leaves);
    const e = await rejects(() => verifyBundle(b.text));
    assert.ok(e, `expected ${re}`);
    assert.match(e.message, re);
    if (seq !== undefined) assert.equal(e.seq, seq);
  };
  await expectErr([...base, { kind: 'reversal', body: { reason: 'error', reverses: 3 } }], /entry 9: entry 3 was already reversed/, 9);
  await expectErr([...base, { kind: 'reversal', body: { reason: 'error', reverses: 0 } }], /entry 9: entry 0 cannot be reversed/, 9);
  await expectErr([...base, { kind: 'reversal', body: { reason: 'error', reverses: 9 } }], /entry 9: entry 9 does not exist/, 9);
  await expectErr([...base, { kind: 'donation', body: donation(5, { campaign: 'school-2026' }) }], /entry 9: campaign "school-2026" is closed/, 9);
  await expectErr([...base, { kind: 'disbursement', body: disbursement(5, { campaign: 'school-2026' }) }], /entry 9: campaign "school-2026" is closed/, 9);
  await expectErr([...base, {
    kind: 'transfer', body: { amount: '5', currency: 'VND', from: 'flood-2026', reason: 'x', to: 'school-2026' },
  }], /entry 9: campaign "school-2026" is closed/, 9);
  await expectErr([...base, { kind: 'campaign.close', body: { campaign: 'school-2026' } }], /entry 9: campaign "school-2026" is closed/, 9);
  await expectErr([...base, { kind: 'campaign.open', body: OPEN }], /entry 9: campaign "flood-2026" already exists/, 9);
  await expectErr([
    { kind: 'campaign.open', body: OPEN },
    { kind: 'donation', body: donation(1), recorded_at: '2025-01-01T00:00:00.000000Z' },
  ], /entry 1: recorded_at 2025-01-01T00:00:00.000000Z is earlier/, 1);
  // A transfer out of a closed campaign is allowed (money may leave it).
  const ok = [...base, {
    kind: 'transfer', body: { amount: '5', currency: 'VND', from: 'school-2026', reason: 'x', to: 'flood-2026' },
  }];
  const { leaves } = await buildLeaves(ok);
  await verifyBundle((await bundleOf(key, leaves)).text);
  // Reversing the transfer takes the money back from the (closed) destination.
  const rev = await buildLeaves([...base, { kind: 'reversal', body: { reason: 'error', reverses: 6 } }]);
  const r = await verifyBundle((await bundleOf(key, rev.leaves)).text);
  assert.deepEqual([r.totals.campaigns[0].balance, r.totals.campaigns[0].transferred_out, r.totals.campaigns[0].reversed], ['201000', '0', '350000']);
  assert.deepEqual([r.totals.campaigns[1].balance, r.totals.campaigns[1].transferred_in, r.totals.campaigns[1].reversed], ['0', '0', '100000']);
  // The currency counts the reversed donation (250000), not the reversed transfer: it moved
  // nothing into or out of VND (SPEC.md §8).
  assert.equal(r.totals.currencies.VND.reversed, '250000');
  // ...but not more than the destination still holds.
  await expectErr([...base,
    { kind: 'transfer', body: { amount: '100000', currency: 'VND', from: 'school-2026', reason: 'back', to: 'flood-2026' } },
    { kind: 'reversal', body: { reason: 'error', reverses: 6 } },
  ], /entry 10: campaign "school-2026" holds 0 minor units of VND, 100000 needed/, 10);
});

test('bundles: checkpoint, key and framing problems are named', async () => {
  const key = await makeKey('fundtrail.example');
  const other = await makeKey('fundtrail.example');
  const { leaves } = await buildLeaves(sampleItems());
  const b = await bundleOf(key, leaves);
  const e1 = await rejects(() => verifyBundle(b.text.replace(`key ${key.vkey}`, `key ${other.vkey}`)));
  assert.match(e1.message, /signature does not verify/);
  const e2 = await rejects(() => verifyBundle(b.text, { pinnedKey: other.vkey }));
  assert.match(e2.message, /different key/);
  const short = await bundleOf(key, leaves.slice(0, 4));
  const e3 = await rejects(() => verifyBundle(b.text.replace(b.note, short.note)));
  assert.match(e3.message, /checkpoint: covers 4 entries, but the ledger has 9/);
  const wrongRoot = await checkpoint(key, leaves.length, 'cd'.repeat(32));
  const e4 = await rejects(() => verifyBundle(b.text.replace(b.note, wrongRoot)));
  assert.match(e4.message, /does not match the root of the 9 entries/);
  assert.match((await rejects(() => verifyBundle('hello\n'))).message, /first line/);
  assert.match((await rejects(() => verifyBundle(b.text.slice(0, -1)))).message, /middle of a line/);
  assert.match((await rejects(() => verifyBundle(b.text.slice(0, b.text.indexOf('\n\n\u2014') - 80)))).message, /bundle/);
  // Truncating the ledger (dropping the last entry) with the old checkpoint is caught.
  const dropped = await bundleOf(key, leaves.slice(0, -1));
  const e5 = await rejects(() => verifyBundle(dropped.text.replace(dropped.note, b.note)));
  assert.match(e5.message, /covers 9 entries, but the ledger has 8/);
});

test('decodeLeaf returns typed entries; canonicalize matches the leaf', async () => {
  const { leaves } = await buildLeaves(sampleItems());
  const e = decodeLeaf(leaves[5]);
  assert.equal(e.kind, 'disbursement');
  assert.equal(e.body.evidence[0].size, 12345);
  assert.equal(canonicalize({
    body: e.body, kind: e.kind, prev: e.prev, recorded_at: e.recorded_at, recorded_by: e.recorded_by, seq: e.seq, v: 1,
  }), leaves[5]);
  const big = leaves[5].replace('"size":12345', '"size":18446744073709551615');
  assert.equal(decodeLeaf(big).body.evidence[0].size, 18446744073709551615n);
  assert.throws(() => decodeLeaf(leaves[5].replace('"size":12345', '"size":18446744073709551616')));
  assert.throws(() => decodeLeaf(leaves[2].replace('Nguyễn', '\\ud800')), /not a valid entry/);
});

test('the canonical check gives the same verdict on the fast path (bytes) and by re-encoding (text)', async () => {
  // decodeLeaf(bytes) skips the re-encode for texts without whitespace, escapes or unsorted
  // keys; decodeLeaf(text) always re-encodes and compares. Both must agree on every input.
  const { leaves } = await buildLeaves(sampleItems());
  const pieces = [' ', '\n', '\\', '\\u0041', '\\u00e9', '\\ud83d\\ude00', '\\ud83d', '\\n', '\\/', '\\"', '"', '{', '}', '[', ']',
    ',', ':', '0', '-', '1.5', '1e5', '01', 'é', '😀', '\u2028', '\x7f', 'null', 'true', '"a":1,', '"z":"",', '"v":1,'];
  let seed = 12345;
  const rnd = (k) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const verdict = (leaf) => {
    try {
      return JSON.stringify(decodeLeaf(leaf), (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    } catch (e) {
      return `${e.code}: ${e.message}`;
    }
  };
  const seen = new Set();
  for (let r = 0; r < 20000; r++) {
    let s = leaves[rnd(leaves.length)];
    for (let o = 1 + rnd(3); o > 0; o--) {
      const p = rnd(s.length + 1);
      const op = rnd(3);
      if (op === 0) s = s.slice(0, p) + pieces[rnd(pieces.length)] + s.slice(p);
      else if (op === 1) s = s.slice(0, p) + s.slice(p + 1 + rnd(3));
      else s = s.slice(0, p) + s[rnd(s.length)] + s.slice(p + 1);
    }
    const fromBytes = verdict(utf8(s));
    const fromText = verdict(new TextDecoder().decode(utf8(s)));
    assert.equal(fromBytes, fromText, s);
    seen.add(fromBytes.split(':')[0]);
  }
  // Keys out of order, and whitespace, are found on the fast path too.
  const swapped = leaves[2].replace(/^\{"body":(\{.*\}),"kind":"donation",/, '{"kind":"donation","body":$1,');
  assert.notEqual(swapped, leaves[2]);
  assert.equal(verdict(utf8(swapped)).split(':')[0], 'not_canonical');
  assert.equal(verdict(utf8(leaves[2].replace('"kind":', '"kind": '))).split(':')[0], 'not_canonical');
  assert.equal(verdict(utf8(leaves[2].replace('Nguyễn', 'Nguy\\u1ec5n'))).split(':')[0], 'not_canonical');
  assert.ok(seen.has('not_canonical') && seen.has('malformed'), [...seen].join(' '));
});

test('splitLeafTexts decodes a page as decodeUtf8 decodes each leaf, or not at all', async () => {
  const { leaves } = await buildLeaves(sampleItems());
  const page = (parts) => {
    const chunks = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
    const out = new Uint8Array(chunks.reduce((a, c) => a + c.length + 1, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      out[o + c.length] = 10;
      o += c.length + 1;
    }
    return out;
  };
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  const withBom = (s) => new Uint8Array([...bom, ...utf8(s)]);
  const cases = [
    page(leaves),
    page([withBom(leaves[0]), withBom(leaves[1]), leaves[2]]),
    page([new Uint8Array([...bom, ...bom, ...utf8(leaves[0])]), '', 'Nguyễn \uFEFF 😀', leaves[3]]),
    new Uint8Array(0),
  ];
  for (const bytes of cases) {
    const { leaves: ls, texts } = splitLeafTexts(bytes);
    assert.deepEqual(ls, splitLeaves(bytes));
    assert.deepEqual(texts, ls.map((l) => decodeUtf8(l)));
  }
  // Not UTF-8 somewhere: no texts, so that each leaf is decoded (and named) on its own.
  const bad = page([leaves[0], new Uint8Array([0x7b, 0xff, 0x7d]), leaves[1]]);
  assert.equal(splitLeafTexts(bad).texts, null);
  assert.equal(splitLeafTexts(bad).leaves.length, 3);
  assert.throws(() => splitLeafTexts(utf8('{}\n{}')), /ends in the middle of a line/);
  // A verifier given the texts reaches the same verdict as one decoding each leaf.
  const v1 = new Verifier();
  const v2 = new Verifier();
  const { leaves: ls, texts } = splitLeafTexts(page(leaves));
  for (let i = 0; i < ls.length; i++) {
    v1.pushLeafSync(ls[i], texts[i]);
    await v2.pushLeaf(ls[i]);
  }
  assert.equal(v1.rootSync(), await v2.root());
  // Same verdicts leaf by leaf with and without the page's texts, also for odd leaves.
  const odd = splitLeafTexts(page([withBom(leaves[0]), leaves[1].replace(':', ' :'), 'Nguyễn', '']));
  for (let i = 0; i < odd.leaves.length; i++) {
    const outcome = (f) => {
      try {
        return JSON.stringify(f().entry);
      } catch (e) {
        return `${e.code}: ${e.message}`;
      }
    };
    assert.equal(outcome(() => new Verifier().pushLeafSync(odd.leaves[i], odd.texts[i])), outcome(() => new Verifier().pushLeafSync(odd.leaves[i])));
  }
});

test('money formatting never goes through floating point', () => {
  assert.equal(formatMoney(123456789012345678901234567890n, 'VND', 'en-US'), '₫123,456,789,012,345,678,901,234,567,890');
  assert.equal(formatMoney('1250', 'USD', 'en-US'), '$12.50');
  assert.equal(formatMoney('5', 'USD', 'en-US'), '$0.05');
  assert.equal(formatMoney(9007199254740993n, 'USD', 'en-US'), '$90,071,992,547,409.93');
  assert.match(formatMoney('1234', 'KWD', 'en-US'), /^KWD\s1\.234$/u);
  const vi = formatMoney('250000', 'VND', 'vi-VN');
  assert.match(vi, /^250\.000\s?₫$/u);
  assert.match(formatMoney('1250', 'EUR', 'de-DE'), /^12,50\s?€$/u);
  assert.equal(formatMoney(0n, 'VND', 'en-US'), '₫0');
});

test('checkTotals names missing campaigns and currencies', async () => {
  const key = await makeKey('x.example');
  const { leaves } = await buildLeaves(sampleItems());
  const r = await verifyBundle((await bundleOf(key, leaves)).text);
  const t = JSON.parse(JSON.stringify(r.totals));
  t.campaigns.pop();
  assert.throws(() => checkTotals(t, r.totals), /campaign school-2026 is missing/);
  const u = JSON.parse(JSON.stringify(r.totals));
  u.currencies.USD = {
    donated: '0', disbursed: '0', reversed: '0', balance: '0',
  };
  assert.throws(() => checkTotals(u, r.totals), /currency USD/);
  const w = JSON.parse(JSON.stringify(r.totals));
  w.size = 3;
  assert.throws(() => checkTotals(w, r.totals), /claimed for 3 entries, the ledger has 9/);
  assert.equal(toBase64(fromBase64('AQID')), 'AQID');
  assert.deepEqual([...fromBase64('AQI=')], [1, 2]);
  assert.equal(fromBase64('AQJ='), null);
});

// ---------------------------------------------------------------------------------------
// Shared vectors (tests/vectors): the JS verifier must agree with the Rust one.

const vectors = path.join(repo, 'tests', 'vectors');

test('demo bundle: size, root, key, every leaf hash and the totals agree with expected.json', async (t) => {
  if (!fs.existsSync(path.join(vectors, 'demo', 'expected.json'))) {
    t.skip('tests/vectors/demo does not exist yet');
    return;
  }
  const want = JSON.parse(fs.readFileSync(path.join(vectors, 'demo', 'expected.json'), 'utf8'));
  const bytes = new Uint8Array(fs.readFileSync(path.join(vectors, 'demo', 'bundle.txt')));
  const report = await verifyBundle(bytes, { claimed: want.totals });
  assert.equal(report.size, want.size);
  assert.equal(report.root, want.root);
  assert.equal(report.key, want.key);
  assert.deepEqual(report.totals, want.totals);
  // Every leaf hash, one by one.
  const text = new TextDecoder().decode(bytes);
  const leaves = text.split('\n\n')[1].split('\n');
  assert.equal(leaves.length, want.size);
  assert.equal(want.leaf_hashes.length, want.size);
  for (let i = 0; i < leaves.length; i++) {
    assert.equal(toHex(await leafHash(utf8(leaves[i]))), want.leaf_hashes[i], `leaf ${i}`);
  }
  // The root of the published leaf hashes, on its own.
  const hashes = want.leaf_hashes.map((x) => hashFromHex(x));
  assert.equal(toHex(await rootOf(hashes)), want.root);
});

test('every tampered bundle is rejected naming what the Rust verifier names', async (t) => {
  if (!fs.existsSync(path.join(vectors, 'bad', 'expected.json'))) {
    t.skip('tests/vectors/bad does not exist yet');
    return;
  }
  const want = JSON.parse(fs.readFileSync(path.join(vectors, 'bad', 'expected.json'), 'utf8'));
  const files = fs.readdirSync(path.join(vectors, 'bad')).filter((f) => f.endsWith('.txt')).sort();
  assert.deepEqual(files, Object.keys(want).sort(), 'every bad file has an expectation');
  let checked = 0;
  for (const f of files) {
    const expected = want[f].error_contains;
    const e = await rejects(() => verifyBundle(new Uint8Array(fs.readFileSync(path.join(vectors, 'bad', f)))));
    assert.ok(e instanceof VerifyError, `${f}: must be rejected`);
    const m = /^entry (\d+):/.exec(expected);
    if (m) {
      // Same entry number, and the same words where the rule is the same.
      assert.equal(e.seq, Number(m[1]), `${f}: ${e.message} (Rust: ${expected})`);
      assert.match(e.message, new RegExp(`^entry ${m[1]}:`), f);
    }
    assert.ok(e.message.includes(expected), `${f}: JS says "${e.message}", Rust says "${expected}"`);
    checked++;
  }
  assert.equal(checked, 16, 'number of bad vector files checked');
});

test('the Ed25519 fallback agrees with WebCrypto (for browsers without WebCrypto Ed25519)', async () => {
  const { ed25519VerifyFallback, setEd25519 } = await import('../../web/verify.js');
  // The Go sumdb/note known answer, through the whole note verifier.
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const note = `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
  setEd25519(ed25519VerifyFallback);
  try {
    assert.equal((await verifyNote(note, vkey)).text, text);
    assert.ok(await rejects(() => verifyNote(note.replace('answer', 'Answer'), vkey)));
    const demo = path.join(repo, 'tests', 'vectors', 'demo', 'bundle.txt');
    if (fs.existsSync(demo)) assert.equal((await verifyBundle(new Uint8Array(fs.readFileSync(demo)))).size, 20);
  } finally {
    setEd25519(null);
  }
  // RFC 8032 §7.1 test 2, and random keys signed by WebCrypto.
  const hex = (s) => Uint8Array.from(s.match(/../g).map((b) => parseInt(b, 16)));
  const pub = hex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
  const sig = hex('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
  assert.equal(await ed25519VerifyFallback(pub, sig, hex('72')), true);
  assert.equal(await ed25519VerifyFallback(pub, sig, hex('73')), false);
  const subtle = globalThis.crypto.subtle;
  for (let i = 0; i < 8; i++) {
    const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const pk = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
    const msg = globalThis.crypto.getRandomValues(new Uint8Array(i * 37));
    const s = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey, msg));
    assert.equal(await ed25519VerifyFallback(pk, s, msg), true);
    s[i] ^= 1;
    assert.equal(await ed25519VerifyFallback(pk, s, msg), false);
  }
});

test('a leaf that starts with a UTF-8 byte-order mark is refused, as by the Rust verifier', () => {
  const text = fs.readFileSync(path.join(repo, 'tests', 'vectors', 'demo', 'bundle.txt'), 'utf8');
  const leaf = text.split('\n\n')[1].split('\n')[0];
  assert.doesNotThrow(() => decodeLeaf(utf8(leaf)));
  assert.throws(() => decodeLeaf(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(leaf)])));
});
