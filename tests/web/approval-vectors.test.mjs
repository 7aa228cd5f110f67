// The JavaScript verifier against tests/vectors/approval/ (SPEC.md §17), which the Rust core
// generates (crates/fundtrail-ledger/tests/spec/approval.rs): a clean ledger whose rules change
// over time verifies to the same size, root and totals; a skipped approval, a proposer approving
// their own payment, too few distinct approvers and an approver listed twice fail with the Rust
// verifier's error and entry number. Run: node --test tests/web/approval-vectors.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyBundle, VerifyError } from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'approval');
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));

async function outcome(name, claimed) {
  const bundle = fs.readFileSync(path.join(dir, name));
  try {
    const report = await verifyBundle(new Uint8Array(bundle), { claimed });
    return { size: report.size, root: report.root, totals: report.totals };
  } catch (e) {
    if (!(e instanceof VerifyError)) throw e;
    return { error: e.message };
  }
}

test('the approval vectors hold a clean ledger and every way of breaking the rule', () => {
  assert.deepEqual(Object.keys(expected).sort(), [
    'approver-listed-twice.txt', 'clean.txt', 'ledger-rule-skipped.txt', 'self-approval.txt',
    'skipped-approval.txt', 'too-few-approvers.txt',
  ]);
});

test('a ledger whose payments keep the approval rule in force at their seq verifies as in Rust', async () => {
  const want = expected['clean.txt'];

  const got = await outcome('clean.txt', want.totals);

  assert.equal(got.size, want.size);
  assert.equal(got.root, want.root);
  assert.deepEqual(got.totals, want.totals);
});

for (const name of Object.keys(expected).filter((n) => expected[n].error)) {
  test(`${name} is refused with the Rust verifier's error and entry number`, async () => {
    const got = await outcome(name);

    assert.deepEqual(got, { error: expected[name].error });
  });
}
