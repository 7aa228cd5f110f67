// The JavaScript verifier reading a real ledger from its tiles alone (SPEC.md §13): the
// checkpoint and the entry bundles under /log/ of `fundtrail demo`, no /api/v1 request,
// give the same size and root as the server's checkpoint; a changed bundle is refused.
//
// Needs the built server binary (and what tests/web/harness.mjs looks for); skipped with the
// reason otherwise.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, startDemo } from './harness.mjs';
import { entriesFromTiles, verifyServedLedger, readCheckpointUnverified, TILE_WIDTH } from '../../web/verify.js';

let demo = null;

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-tiles-' });
});

after(async () => {
  if (demo) await demo.stop();
});

async function getTile(path) {
  const r = await fetch(`${demo.base}/log/${path}`);
  assert.equal(r.status, 200, path);
  return new Uint8Array(await r.arrayBuffer());
}

test('a ledger verifies from its tiles alone, with the root its checkpoint signs', { skip: skipReason || false }, async () => {
  const note = await (await fetch(`${demo.base}/log/checkpoint`)).text();
  const key = (await (await fetch(`${demo.base}/api/v1/key`)).text()).trim();
  const { size, root } = readCheckpointUnverified(note);

  const report = await verifyServedLedger({
    checkpoint: { note, key }, size, fetchEntries: entriesFromTiles(getTile, size), pageSize: TILE_WIDTH, ahead: 2,
  });

  assert.equal(report.size, size);
  assert.equal(report.root, root);
});

test('a changed byte in an entry bundle is refused', { skip: skipReason || false }, async () => {
  const note = await (await fetch(`${demo.base}/log/checkpoint`)).text();
  const key = (await (await fetch(`${demo.base}/api/v1/key`)).text()).trim();
  const { size } = readCheckpointUnverified(note);
  const tampered = async (path) => {
    const bytes = await getTile(path);
    const at = bytes.lastIndexOf(0x37); // a '7' in the last leaf
    bytes[at] = 0x38;
    return bytes;
  };

  await assert.rejects(verifyServedLedger({
    checkpoint: { note, key }, size, fetchEntries: entriesFromTiles(tampered, size), pageSize: TILE_WIDTH, ahead: 2,
  }));
});
