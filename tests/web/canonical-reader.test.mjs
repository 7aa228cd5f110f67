// The fast reader of canonical leaves (web/verify/canonical-reader.js) behind decodeLeaf: it
// reads the leaves a ledger is made of, and decodeLeaf's verdict on any leaf, changed in any
// one place, is the strict reader's (a string leaf never takes the fast path, so
// decodeLeaf(text) is the strict reader's verdict on the same bytes). Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLeaf, utf8 } from '../../web/verify.js';
import { readsFast } from '../../web/verify/entry.js';
import { buildLeaves, sampleItems } from './fixtures.mjs';

const vectors = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'vectors');

/** Every leaf of the shared vectors: the entries of each bundle and the single leaves of leaves/. */
function vectorLeaves() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.txt')) out.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.startsWith('{')));
    }
  };
  walk(vectors);
  for (const c of JSON.parse(fs.readFileSync(path.join(vectors, 'leaves', 'cases.json'), 'utf8'))) out.push(c.leaf);
  return [...new Set(out)];
}

/** decodeLeaf's entry (as JSON) or its error's code, message and field. */
function outcome(leaf) {
  try {
    return JSON.stringify(decodeLeaf(leaf), (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch (e) {
    return `${e.code} ${e.field}: ${e.message}`;
  }
}

/** The same verdict on `text` read from bytes (the fast reader first) as from the string (strict only). */
function assertSameVerdict(text) {
  assert.equal(outcome(utf8(text)), outcome(text), `leaf ${JSON.stringify(text)}`);
}

test('every canonical leaf of the shared vectors and of every kind without an escape is read by the fast reader, with the strict reader\'s entry', async () => {
  const { leaves } = await buildLeaves(sampleItems());
  const all = [...leaves, ...vectorLeaves()];
  let accepted = 0;
  for (const leaf of all) {
    let strict = null;
    try {
      strict = decodeLeaf(leaf);
    } catch {
      strict = null;
    }
    if (strict === null) continue;
    accepted += 1;
    // A string with an escape (a "\n" in a memo) and an integer of 16 digits or more are left
    // to the strict reader.
    assert.equal(readsFast(leaf), !/\\|[:,[][0-9]{16}/.test(leaf), `the fast reader on ${leaf}`);
    assert.deepEqual(decodeLeaf(utf8(leaf)), strict);
    const keys = (x) => JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    assert.equal(keys(decodeLeaf(utf8(leaf))), keys(strict)); // keys in the same order too
  }
  assert.ok(accepted > 60, `only ${accepted} accepted leaves`);
});

test('a leaf changed in any one place gets the strict reader\'s verdict, whether it is refused or still canonical', { timeout: 120_000 }, async () => {
  const { leaves } = await buildLeaves(sampleItems());
  const some = [...leaves, ...vectorLeaves().filter((l) => l.length < 700).slice(0, 12)];
  const inserts = [' ', '\\', '"', '\u0001', '\n', '0', '9', '-', '.', 'e', ',', '}', ']', '{', '[', ':', 'é', 'null', '\\u0041'];
  for (const leaf of some) {
    for (let i = 0; i <= leaf.length; i++) {
      assertSameVerdict(leaf.slice(0, i)); // cut short, ending anywhere (in a number too)
      if (i < leaf.length) assertSameVerdict(leaf.slice(0, i) + leaf.slice(i + 1));
      for (const x of inserts) assertSameVerdict(leaf.slice(0, i) + x + leaf.slice(i));
    }
  }
});

test('numbers, keys, nulls and escapes the fast reader does not take are the strict reader\'s to judge', () => {
  const leaf = '{"body":{"amount":"250000","campaign":"flood-2026","channel":"bank_transfer","currency":"VND","donor":"Nguyễn Văn An","memo":"Cho bà con vùng lũ","received_at":"2026-11-01","reference":"FT26110"},"kind":"donation","prev":"1111111111111111111111111111111111111111111111111111111111111111","recorded_at":"2026-11-02T08:00:00.000000Z","recorded_by":"lan","seq":7,"v":1}';
  assert.ok(readsFast(leaf));
  const variants = [
    ...['7.0', '7e0', '07', '-7', '-0', '0', '999999999999999', '1000000000000000', '9007199254740993', '18446744073709551615', '18446744073709551616']
      .map((n) => leaf.replace('"seq":7', `"seq":${n}`)),
    leaf.replace('"v":1', '"v":2'),
    leaf.replace('"v":1}', '"v":1,"v":1}'),
    leaf.replace('"kind":"donation"', '"kind":"constructor"'),
    leaf.replace('"kind":"donation"', '"kind":"__proto__"'),
    leaf.replace('"kind":"donation","prev"', '"prev"').replace('"v":1}', '"v":1,"kind":"donation"}'),
    leaf.replace('"amount":"250000","campaign":"flood-2026"', '"campaign":"flood-2026","amount":"250000"'),
    leaf.replace('"memo":"Cho bà con vùng lũ",', '"memo":null,'),
    leaf.replace('"memo":"Cho bà con vùng lũ",', ''),
    leaf.replace('"memo":"Cho bà con vùng lũ",', '"memo":"Cho bà con vùng lũ","memo":"x",'),
    leaf.replace('Nguyễn', 'Nguy\\u1ec5n'),
    leaf.replace('Nguyễn', '\\ud800'),
    leaf.replace('Nguyễn', 'Nguy\tn'),
    leaf.replace('"reference":"FT26110"', '"reference":"FT26110","kind":"donation"'),
    leaf.replace('"body":{', '"body": {'),
    `${leaf} `,
    `\uFEFF${leaf}`,
    leaf.slice(0, -1),
  ];
  for (const v of variants) {
    assert.notEqual(v, leaf);
    assertSameVerdict(v);
  }
  // Refused by the strict reader, as before.
  assert.match(outcome(utf8(leaf.replace('"seq":7', '"seq":7.0'))), /^malformed/);
  assert.match(outcome(utf8(leaf.replace('"memo":"Cho bà con vùng lũ",', '"memo":null,'))), /^not_canonical/);
  assert.match(outcome(utf8(leaf.replace('Nguyễn', 'Nguy\\u1ec5n'))), /^not_canonical/);
});
