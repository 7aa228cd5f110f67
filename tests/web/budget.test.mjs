// The JavaScript verifier's budget and pledge rules (web/verify/budget.js, pledge.js) against
// the vectors the Rust core generates (tests/vectors/budget/, SPEC.md §18, §19): the clean
// ledger verifies with the same budget vs actual and pledge figures, and each broken ledger
// fails at the same entry with the Rust verifier's words.
// Run: node --test tests/web/budget.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLeaf, verifyBundle } from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'budget');
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const expected = JSON.parse(read('expected.json'));

test('the clean ledger verifies with the budget vs actual and pledge figures of the Rust core', async () => {
  const report = await verifyBundle(read(expected.clean.bundle));
  assert.equal(report.size, expected.clean.size);
  const want = expected.clean.figures;
  const book = report.budgets.book(want.campaign);
  assert.equal(book.inForce.seq, want.budget.in_force);
  assert.equal(book.entries, want.budget.budgets);
  assert.deepEqual(book.lines().map(({ line, paid }) => ({
    id: line.id, label: line.label, category: line.category, sector: line.sector ?? null, planned: line.amount, paid: paid.toString(),
  })), want.budget.lines);
  const t = report.pledges.totals(want.campaign);
  assert.deepEqual(
    [t.pledges, t.pledged, t.received, t.outstanding, t.cancelled].map(String),
    [want.pledges.pledges, want.pledges.pledged, want.pledges.received, want.pledges.outstanding, want.pledges.cancelled].map(String),
  );
  assert.deepEqual(report.pledges.ofCampaign(want.campaign).map((p) => ({
    seq: p.seq,
    donor: p.donor,
    amount: p.amount.toString(),
    received: p.received.toString(),
    outstanding: p.outstanding.toString(),
    cancelled: p.cancelled.toString(),
    cancelled_by: p.cancelledBy ?? null,
  })), want.pledges.list);
});

for (const c of expected.bad) {
  test(`${c.name}: caught at its entry with the Rust verifier's words`, async () => {
    await assert.rejects(verifyBundle(read(c.bundle)), (e) => {
      assert.equal(e.message, c.error);
      assert.equal(`entry ${e.seq}: ${e.problem}`, c.error);
      return true;
    });
  });
}

test('budgets, pledges and their keys decode, and a bad category or sector is a field error', () => {
  const leaves = read(expected.clean.bundle).split('\n').slice(3);
  const entries = leaves.slice(0, leaves.indexOf('')).map((l) => decodeLeaf(l));
  assert.deepEqual(
    entries.map((e) => e.kind),
    ['campaign.open', 'donation', 'budget', 'disbursement', 'budget', 'disbursement', 'pledge', 'donation', 'pledge', 'pledge.cancel', 'disbursement'],
  );
  assert.equal(entries[3].body.budget_line, 'rice');
  assert.equal(entries[7].body.pledge, 6);
  const budgetLeaf = leaves[2];
  assert.throws(() => decodeLeaf(budgetLeaf.replace('"category":"food"', '"category":"Food"')), /field body\.lines\.category/);
  assert.throws(() => decodeLeaf(budgetLeaf.replace('"sector":"72040"', '"sector":"7204"')), /field body\.lines\.sector/);
});

test('with helper workers decoding the pages, the budget and pledge rules see the same entries and give the same verdicts', async () => {
  const { Verifier, utf8: bytes } = await import('../../web/verify.js');
  const { decodePage } = await import('../../web/verify-parallel.js');
  const verdict = (name) => {
    const leaves = read(name).split('\n').slice(3);
    const texts = leaves.slice(0, leaves.indexOf(''));
    const { entries, hashes, error } = decodePage(texts.map((l) => bytes(l)), texts, texts.length);
    assert.equal(error, null);
    const v = new Verifier();
    try {
      entries.forEach((e, i) => v.pushDecodedSync(e, hashes.subarray(i * 32, i * 32 + 32)));
    } catch (e) {
      return e.message;
    }
    return v.pledges.totals(expected.clean.figures.campaign).outstanding.toString();
  };
  assert.equal(verdict(expected.clean.bundle), expected.clean.figures.pledges.outstanding);
  for (const c of expected.bad) assert.equal(verdict(c.bundle), c.error, c.name);
});
