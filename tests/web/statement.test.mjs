// A campaign's statement lines and totals (web/views/ledger-rows.js), in Node: what each kind
// of entry moves in or out, the running balance counted forward and back, reversals split by
// what they undid, goods given in kind apart from money, and the filters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  statementLines, statementTotals, lineMatches, moveOf, dayOf,
} from '../../web/views/ledger-rows.js';

const at = (day) => `${day}T10:00:00.000000Z`;
const row = (seq, kind, body, day = '2026-11-01') => ({ seq, entry: { seq, kind, body, recorded_at: at(day) } });

/** A campaign's life, newest first as the API lists it. */
function flood() {
  return [
    row(0, 'campaign.open', { id: 'flood', currency: 'VND', title: 'Flood' }),
    row(1, 'donation', { campaign: 'flood', amount: '500000', donor: 'A', received_at: '2026-10-30' }),
    row(2, 'donation', { campaign: 'flood', amount: '300000', donor: 'B', in_kind: { description: 'rice' } }),
    row(3, 'transfer', { from: 'school', to: 'flood', amount: '100000' }),
    row(4, 'disbursement', { campaign: 'flood', amount: '200000', paid_at: '2026-11-03' }, '2026-11-04'),
    row(5, 'donation', { campaign: 'flood', amount: '50000', donor: 'C' }, '2026-11-05'),
    row(6, 'reversal', { reverses: 5, reason: 'duplicate' }, '2026-11-06'),
    row(7, 'transfer', { from: 'flood', to: 'water', amount: '40000' }, '2026-11-07'),
    row(8, 'disbursement', { campaign: 'flood', amount: '10000' }, '2026-11-08'),
    row(9, 'reversal', { reverses: 8, reason: 'error' }, '2026-11-09'),
    row(10, 'reversal', { reverses: 3, reason: 'error' }, '2026-11-10'),
  ].reverse();
}

test('every kind of entry moves money in or out of the campaign it is about', () => {
  const [open, d, goods, tin, pay] = flood().reverse();
  assert.deepEqual(moveOf('flood', open.entry), { in: 0n, out: 0n, goods: false, part: null });
  assert.deepEqual(moveOf('flood', d.entry), { in: 500000n, out: 0n, goods: false, part: 'donations_money' });
  assert.deepEqual(moveOf('flood', goods.entry), { in: 300000n, out: 0n, goods: true, part: 'donations_goods' });
  assert.deepEqual(moveOf('flood', tin.entry), { in: 100000n, out: 0n, goods: false, part: 'transfers_in' });
  assert.deepEqual(moveOf('school', tin.entry), { in: 0n, out: 100000n, goods: false, part: 'transfers_out' });
  assert.deepEqual(moveOf('flood', pay.entry), { in: 0n, out: 200000n, goods: false, part: 'payments' });
});

test('the balance after each line counted forward from the opening equals the one counted back from today', () => {
  const items = flood();
  const forward = statementLines('flood', items, { complete: true });
  const back = statementLines('flood', items, { balanceNow: forward[0].balance });
  assert.deepEqual(forward.map((l) => l.balance), back.map((l) => l.balance));
  assert.deepEqual(forward.map((l) => [l.seq, l.balance]).reverse(), [
    [0, 0n], [1, 500000n], [2, 800000n], [3, 900000n], [4, 700000n], [5, 750000n], [6, 700000n], [7, 660000n], [8, 650000n], [9, 660000n], [10, 560000n],
  ]);
});

test('the totals split reversals by what they undid, keep goods apart from money, and add up to the balance', () => {
  const lines = statementLines('flood', flood(), { complete: true });
  const t = statementTotals(lines);
  assert.equal(t.donations_money, 550000n);
  assert.equal(t.donations_goods, 300000n);
  assert.equal(t.transfers_in, 100000n);
  assert.equal(t.payments, 210000n);
  assert.equal(t.transfers_out, 40000n);
  assert.equal(t.reversed_donations, 50000n);
  assert.equal(t.reversed_payments, 10000n);
  assert.equal(t.reversed_transfers_in, 100000n);
  assert.equal(t.reversed_transfers_out, 0n);
  assert.equal(t.goods, 300000n);
  assert.equal(t.balance, lines[0].balance, 'the totals add up to the last line\'s balance');
  assert.equal(t.balance, 560000n);
});

test('a reversed entry is marked with the reversal that undid it, and a reversal of an entry not listed uses the one given', () => {
  const lines = statementLines('flood', flood(), { complete: true });
  assert.equal(lines.find((l) => l.seq === 5).reversedBy, 6);
  assert.equal(lines.find((l) => l.seq === 3).reversedBy, 10);
  assert.equal(lines.find((l) => l.seq === 1).reversedBy, null);
  const newest = flood().slice(0, 2); // the reversal of entry 3 and the reversal of entry 8
  const partial = statementLines('flood', newest, { balanceNow: 560000n, targets: new Map([[3, flood().find((r) => r.seq === 3).entry], [8, flood().find((r) => r.seq === 8).entry]]) });
  assert.deepEqual(partial.map((l) => [l.seq, l.in, l.out, l.balance]), [[10, 0n, 100000n, 560000n], [9, 10000n, 0n, 660000n]]);
});

test('a line is dated by the day money was received or paid, and filtered by kind, day and amount', () => {
  const lines = statementLines('flood', flood(), { complete: true });
  const byseq = (s) => lines.find((l) => l.seq === s);
  assert.equal(dayOf(byseq(1).entry), '2026-10-30');
  assert.equal(dayOf(byseq(4).entry), '2026-11-03');
  assert.equal(dayOf(byseq(6).entry), '2026-11-06');
  const pick = (f) => lines.filter((l) => lineMatches(l, f)).map((l) => l.seq);
  assert.deepEqual(pick({ kind: 'donation' }), [5, 2, 1]);
  assert.deepEqual(pick({ kind: 'campaign' }), [0]);
  assert.deepEqual(pick({ from: '2026-11-05', to: '2026-11-07' }), [7, 6, 5]);
  assert.deepEqual(pick({ min: 100000n, max: 300000n }), [10, 4, 3, 2]);
  assert.deepEqual(pick({ kind: 'reversal', min: 50000n }), [10, 6]);
});
