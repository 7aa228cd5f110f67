// The JavaScript reader of C2SP tlog-proof receipts (web/verify/tlog-proof.js, SPEC.md §12.1),
// against the file the Rust core writes for the demo's vectors' shape: parsed fields, the
// receipt it stands for, and each malformed line refused with its reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTlogProof, tlogProofReceipt, TLOG_PROOF_HEADER } from '../../web/verify.js';

const H1 = 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE='; // 32 bytes of 1
const NOTE = 'example.com/log\n3\nAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n\n\u2014 example.com/log abcdAAAA\n';

test('a tlog-proof gives its leaf, index, proof and checkpoint', () => {
  const text = `${TLOG_PROOF_HEADER}\nextra eyJhIjoxfQ==\nindex 2\n${H1}\n\n${NOTE}`;

  const p = parseTlogProof(text);

  assert.equal(new TextDecoder().decode(p.extra), '{"a":1}');
  assert.equal(p.index, 2);
  assert.deepEqual(p.proof, ['01'.repeat(32)]);
  assert.equal(p.checkpoint, NOTE);
});

test('the receipt a tlog-proof stands for takes its size and root from the checkpoint', async () => {
  const r = await tlogProofReceipt(`${TLOG_PROOF_HEADER}\nextra eyJhIjoxfQ==\nindex 2\n${H1}\n\n${NOTE}`, 'example.com/log+abcd+key');

  assert.equal(r.seq, 2);
  assert.equal(r.proof.size, 3);
  assert.equal(r.proof.root, '02'.repeat(32));
  assert.equal(r.key, 'example.com/log+abcd+key');
  assert.match(r.code, /^R-2-[0-9a-f]{8}$/);
});

test('malformed tlog-proofs are refused naming what is wrong', async () => {
  const cases = [
    [`not a proof\nindex 1\n\n${NOTE}`, /first line/],
    [`${TLOG_PROOF_HEADER}\nindex 01\n\n${NOTE}`, /index/],
    [`${TLOG_PROOF_HEADER}\nextra !!\nindex 1\n\n${NOTE}`, /extra is not base64/],
    [`${TLOG_PROOF_HEADER}\nindex 1\nAAAA\n\n${NOTE}`, /proof line/],
    [`${TLOG_PROOF_HEADER}\nindex 1\n${H1}`, /empty line/],
  ];
  for (const [text, why] of cases) assert.throws(() => parseTlogProof(text), why, text);
  await assert.rejects(tlogProofReceipt(`${TLOG_PROOF_HEADER}\nindex 1\n\n${NOTE}`, 'k'), /no extra line/);
});
