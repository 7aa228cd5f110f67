// The JavaScript verifier against the key rotation vectors the Rust core generates
// (tests/vectors/rotation/, SPEC.md §23): a ledger that rotated its key once verifies with its
// first key and with its new one (and names both, from which size each signs), a key of the
// same name it never rotated to is refused, and each refused bundle (a rotation signed by a
// stranger, one copied from another history, a checkpoint after the rotation signed by the old
// key, a rotation to the key already in force) gets the Rust verifier's words.
// Run: node --test tests/web/rotation-vectors.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLeaf, utf8, verifyBundle } from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'rotation');
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const expected = JSON.parse(read('expected.json'));

test('a ledger rotated once verifies with its first key and with its new key', async () => {
  for (const pinnedKey of expected.verifies_with) {
    const report = await verifyBundle(read(expected.bundle), { pinnedKey });
    assert.equal(Number(report.size), expected.size);
    assert.equal(report.root, expected.root);
    assert.deepEqual(report.keys, expected.keys);
  }
});

test('the rotation leaf decodes as a key.rotate with its new key', () => {
  const entry = decodeLeaf(utf8(expected.rotation_leaf));
  assert.equal(entry.kind, 'key.rotate');
  assert.equal(entry.prev, expected.rotation_prev);
  assert.equal(entry.body.verifier_key, expected.keys[1].key);
});

test('a pinned key of the same name the ledger never rotated to is refused with the Rust words', async () => {
  for (const { key, error } of expected.refused_with) {
    await assert.rejects(verifyBundle(read(expected.bundle), { pinnedKey: key }), (e) => {
      assert.equal(e.message, error);
      return true;
    });
  }
});

test('every refused rotation bundle is refused with the Rust verifier\'s words', async () => {
  for (const { file, error } of expected.refused_bundles) {
    await assert.rejects(verifyBundle(read(file)), (e) => {
      assert.equal(e.message, error, file);
      return true;
    });
  }
});

test('a key.rotate whose signature is not 64 bytes of base64 is refused naming the signature', () => {
  const leaf = expected.rotation_leaf.replace(/"signature":"[^"]*"/, '"signature":"AAAA"');
  assert.throws(() => decodeLeaf(utf8(leaf)), (e) => {
    assert.equal(e.message, 'field body.signature: must be the base64 of a 64-byte Ed25519 signature');
    return true;
  });
});
