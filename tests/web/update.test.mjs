// The JavaScript verifier against the update vectors the Rust core generates
// (tests/vectors/update/, SPEC.md §20.1): a ledger holding `update` entries verifies (one is
// recorded after its campaign closed), the update's leaf hash and Atom id are the core's, each
// refused leaf is refused at the same step with the same words, and an update naming a campaign
// never opened is caught with its entry number. Run: node --test tests/web/update.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeLeaf, leafHashSync, toHex, utf8, verifyBundle, VerifyError,
} from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'update');
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const expected = JSON.parse(read('expected.json'));

test('a ledger with updates verifies, including an update after its campaign closed', async () => {
  const report = await verifyBundle(read(expected.bundle));
  assert.equal(Number(report.size), expected.size);
});

test('the update leaf decodes and hashes to the leaf hash and Atom id the core gives', () => {
  const entry = decodeLeaf(utf8(expected.update_leaf));
  assert.equal(entry.kind, 'update');
  assert.equal(entry.body.evidence.length, 1);
  const hash = toHex(leafHashSync(utf8(expected.update_leaf)));
  assert.equal(hash, expected.update_leaf_hash);
  assert.equal(`urn:fundtrail:leaf:${hash}`, expected.atom_id);
});

const STEP = { malformed: 'parse', not_canonical: 'canonical', field: 'field' };

test('every refused update leaf is refused at the Rust verifier\'s step, with its words', () => {
  const cases = JSON.parse(read('cases.json'));
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    let step = 'accepted';
    let message = null;
    try {
      decodeLeaf(utf8(c.leaf));
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      step = STEP[e.code] ?? e.code;
      message = e.message;
    }
    assert.equal(step, c.step, `${c.name}: ${message}`);
    if (step === 'parse') assert.ok(message.startsWith('not a valid entry: '), `${c.name}: ${message}`);
    else assert.equal(message, c.error, c.name);
  }
});

test('an update naming a campaign never opened is caught with its entry number', async () => {
  for (const bad of expected.refused_bundles) {
    await assert.rejects(verifyBundle(read(bad.file)), (e) => {
      assert.ok(e.message.includes(bad.error_contains), e.message);
      return true;
    });
  }
});
