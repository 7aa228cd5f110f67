// The page's history check across a key rotation (web/history.js, SPEC.md §6.1 and §23): a
// visitor who remembered a checkpoint signed with the old key sees a confirmed, extended
// history when the site proves the hand-over (the `key.rotate` entry, signed by the old key
// over its prev and included in today's tree), and the key-change alarm when it does not (a
// rotation signed by a stranger, or no rotation entry at all).
// Run: node --test tests/web/rotation-history.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHistory } from '../../web/history.js';
import {
  leafHash, rootOf, toHex, toBase64, rotationMessage,
} from '../../web/verify.js';
import {
  makeKey, checkpoint, inclusionProof, consistencyProof, leafOf, OPEN, donation,
} from './fixtures.mjs';

const NAME = 'example.org/ledger';
const subtle = globalThis.crypto.subtle;

/**
 * A ledger of four entries whose entry 2 rotates from `oldKey` to `newKey`, the rotation
 * signed by `signer`; and a server answering for it, signing today's checkpoint with
 * `newKey` and listing both keys.
 */
async function rotatedLedger(oldKey, newKey, signer) {
  const leaves = [];
  const hashes = [];
  let prev = '0'.repeat(64);
  const push = (leaf) => leafHash(leaf).then((h) => {
    leaves.push(leaf);
    hashes.push(h);
    prev = toHex(h);
  });
  const at = (i) => `2026-11-01T08:00:0${i}.000000Z`;
  await push(leafOf(0, prev, 'campaign.open', OPEN, at(0)));
  await push(leafOf(1, prev, 'donation', donation(500000), at(1)));
  const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, signer.privateKey, rotationMessage(NAME, newKey.vkey, prev)));
  await push(leafOf(2, prev, 'key.rotate', { signature: toBase64(sig), verifier_key: newKey.vkey }, at(2)));
  await push(leafOf(3, prev, 'donation', donation(250000), at(3)));
  const root = toHex(await rootOf(hashes));
  const current = await checkpoint(newKey, 4, root);
  const remembered = await checkpoint(oldKey, 2, toHex(await rootOf(hashes.slice(0, 2))));
  const server = {
    async info() {
      return { key: newKey.vkey, keys: [{ from: 0, key: oldKey.vkey }, { from: 3, key: newKey.vkey }], checkpoint: current };
    },
    async consistency(from, to) {
      return { from, to, proof: await consistencyProof(hashes, from) };
    },
    async inclusion(index, size) {
      return { index, size, leaf_hash: toHex(hashes[index]), proof: await inclusionProof(hashes, index) };
    },
    async entry(seq) {
      return {
        seq,
        leaf: leaves[seq],
        leaf_hash: toHex(hashes[seq]),
        checkpoint: current,
        proof: {
          index: seq, size: 4, root, leaf_hash: toHex(hashes[seq]), proof: await inclusionProof(hashes, seq),
        },
      };
    },
  };
  return {
    server,
    remembered: {
      key: oldKey.vkey, size: 2, root: toHex(await rootOf(hashes.slice(0, 2))), note: remembered,
    },
  };
}

test('a key rotation the old key signed is a confirmed, extended history that names both keys', async () => {
  const [oldKey, newKey] = [await makeKey(NAME), await makeKey(NAME)];
  const { server, remembered } = await rotatedLedger(oldKey, newKey, oldKey);

  const v = await checkHistory(remembered, server);

  assert.equal(v.kind, 'extended', JSON.stringify(v));
  assert.deepEqual(v.rotated, { oldKey: oldKey.vkey, newKey: newKey.vkey });
  assert.equal(v.current.key, newKey.vkey);
  assert.equal(v.current.size, 4);
});

test('a key change whose rotation a stranger signed is the key-change alarm', async () => {
  const [oldKey, newKey, stranger] = [await makeKey(NAME), await makeKey(NAME), await makeKey(NAME)];
  const { server, remembered } = await rotatedLedger(oldKey, newKey, stranger);

  const v = await checkHistory(remembered, server);

  assert.equal(v.kind, 'key_changed');
  assert.equal(v.newKey, newKey.vkey);
});

test('a key change the site does not list as a rotation of the remembered key is the key-change alarm', async () => {
  const [oldKey, newKey] = [await makeKey(NAME), await makeKey(NAME)];
  const { server, remembered } = await rotatedLedger(oldKey, newKey, oldKey);
  const info = await server.info();
  server.info = async () => ({ ...info, keys: [{ from: 0, key: newKey.vkey }] });

  const v = await checkHistory(remembered, server);

  assert.equal(v.kind, 'key_changed');
});
