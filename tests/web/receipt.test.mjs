// The JavaScript receipt verifier (web/verify/receipt.js) against the receipt vector the Rust code
// builds (tests/vectors/receipt/demo-6.json, see tests/ledger/receipt_vector.rs): both accept it,
// both check the donor's identifier, and both refuse the same tampered copies. When the
// fundtrail binary is built, `fundtrail verify-receipt` is run on every case too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  verifyReceipt, donorCommitment, parseReceiptCode, receiptCode, hashFromHex,
} from '../../web/verify.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vector = JSON.parse(fs.readFileSync(path.join(repo, 'tests/vectors/receipt/demo-6.json'), 'utf8'));
const DEMO_KEY = 'demo.fundtrail.example/ledger+c33ff523+AUN6ZtSQwAXLO2Zgl4oRlOdm8PZvURlku0x4IHStvHx2';
const IDENTIFIER = 'tran.van.binh@example.vn';
const BIN = process.env.FUNDTRAIL_BIN || path.join(repo, 'target/debug/fundtrail');

const copy = () => JSON.parse(JSON.stringify(vector));
const flip = (text, at) => text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1);

/** Verdict of the Rust CLI on `receipt`: true (exit 0), false (exit 1), or null without the binary. */
function rustVerdict(receipt, args = []) {
  if (!fs.existsSync(BIN)) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fundtrail-receipt-'));
  const file = path.join(dir, 'receipt.json');
  fs.writeFileSync(file, JSON.stringify(receipt));
  const run = spawnSync(BIN, ['verify-receipt', file, '--key', DEMO_KEY, ...args], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  return run.status === 0;
}

async function jsVerdict(receipt, identifier) {
  try {
    await verifyReceipt(receipt, { key: DEMO_KEY, identifier });
    return true;
  } catch {
    return false;
  }
}

test('the receipt vector verifies, with its steps, and names the donation', async () => {
  const steps = [];
  const v = await verifyReceipt(vector, { key: DEMO_KEY, identifier: IDENTIFIER, step: (name, ok) => steps.push([name, ok]) });

  assert.equal(v.seq, 6);
  assert.equal(v.entry.kind, 'donation');
  assert.equal(v.entry.body.donor, 'Anonymous');
  assert.equal(v.cp.size, 20);
  assert.equal(v.identifierChecked, true);
  assert.deepEqual(steps.map(([n]) => n), ['check_canonical', 'check_leaf_hash', 'check_signature', 'check_inclusion', 'rc_check_identifier']);
  assert.ok(steps.every(([, ok]) => ok));
});

test('the donor commitment is SPEC.md §2.4 exactly (the value the Rust code wrote into entry 6)', async () => {
  const commitment = await donorCommitment(new Uint8Array(32).fill(0x5a), IDENTIFIER);

  assert.equal(commitment, JSON.parse(vector.leaf).body.commitment);
});

test('JavaScript and Rust agree on every case: accepted, wrong identifier, tampering', async () => {
  const leaf = copy();
  leaf.leaf = leaf.leaf.replace('10000000', '10000001');
  const proof = copy();
  proof.proof.proof[2] = flip(proof.proof.proof[2], 7);
  const root = copy();
  root.proof.root = flip(root.proof.root, 0);
  const note = copy();
  const at = note.checkpoint.lastIndexOf(' ') + 6;
  note.checkpoint = note.checkpoint.slice(0, at) + (note.checkpoint[at] === 'A' ? 'B' : 'A') + note.checkpoint.slice(at + 1);
  const size = copy();
  size.checkpoint = size.checkpoint.replace('\n20\n', '\n21\n');
  const code = copy();
  code.code = 'R-6-00000000';
  const seq = copy();
  seq.seq = 5;
  const noSalt = copy();
  delete noSalt.salt;
  const badSalt = copy();
  badSalt.salt = 'zz';
  const extra = copy();
  extra.note = 'hello';
  const cases = [
    ['the vector', vector, undefined, true],
    ['the vector with the identifier', vector, IDENTIFIER, true],
    ['a wrong identifier', vector, 'someone@example.vn', false],
    ['without salt', noSalt, undefined, true],
    ['without salt, with an identifier', noSalt, IDENTIFIER, false],
    ['a changed leaf', leaf, undefined, false],
    ['a changed proof hash', proof, undefined, false],
    ['a changed root', root, undefined, false],
    ['a changed signature', note, undefined, false],
    ['a changed checkpoint size', size, undefined, false],
    ['a wrong code', code, undefined, false],
    ['a wrong seq', seq, undefined, false],
    ['a malformed salt', badSalt, undefined, false],
    ['an unknown member', extra, undefined, false],
  ];
  for (const [name, receipt, identifier, expected] of cases) {
    assert.equal(await jsVerdict(receipt, identifier), expected, `JavaScript: ${name}`);
    const rust = rustVerdict(receipt, identifier ? ['--identifier', identifier] : []);
    if (rust !== null) assert.equal(rust, expected, `Rust: ${name}`);
  }
});

test('another key does not verify the receipt', async () => {
  const other = 'demo.fundtrail.example/ledger+00000000+AUN6ZtSQwAXLO2Zgl4oRlOdm8PZvURlku0x4IHStvHx2';

  await assert.rejects(verifyReceipt(vector, { key: other }));
});

test('receipt codes parse only in their exact form', () => {
  assert.deepEqual(parseReceiptCode('R-6-7c12f9bc'), { seq: 6, prefix: '7c12f9bc' });
  assert.equal(receiptCode(6, vector.leaf_hash), vector.code);
  for (const bad of ['R-06-7c12f9bc', 'R-6-7C12F9BC', 'R-6-7c12f9b', '6', 'R--7c12f9bc', 'R-6-7c12f9bc ']) {
    assert.equal(parseReceiptCode(bad), null, bad);
  }
  assert.ok(hashFromHex(vector.salt));
});
