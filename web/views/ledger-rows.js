// A campaign's entries as the lines of a statement, and the totals they add up to: what each
// entry moved into or out of the campaign, the balance after it, which entry reversed it.
// Pure functions over the API's entry rows ({seq, entry}); amounts are BigInt minor units.
// No DOM, no network (tests/web/statement.test.mjs runs them in Node).

/** The zero totals of a statement (see `statementTotals`). */
const ZERO = Object.freeze({
  donations_money: 0n,
  donations_goods: 0n,
  payments: 0n,
  transfers_in: 0n,
  transfers_out: 0n,
  reversed_donations: 0n,
  reversed_payments: 0n,
  reversed_transfers_in: 0n,
  reversed_transfers_out: 0n,
  balance: 0n,
});

const amountOf = (body) => (body && /^(0|[1-9][0-9]*)$/.test(String(body.amount)) ? BigInt(body.amount) : 0n);

/** The day an entry is about: the day money was received or paid, else the day it was recorded (UTC). */
export function dayOf(entry) {
  const b = entry.body || {};
  if (entry.kind === 'donation' && b.received_at) return b.received_at;
  if (entry.kind === 'disbursement' && b.paid_at) return b.paid_at;
  if (entry.kind === 'update' && b.date) return b.date;
  return String(entry.recorded_at || '').slice(0, 10);
}

/**
 * What `entry` moves for `campaign`: `{ in, out, goods, part }` (BigInt), `part` naming the
 * line of the totals it counts in. A reversal needs the entry it reverses (`target`).
 */
export function moveOf(campaign, entry, target) {
  const b = entry.body || {};
  const amount = amountOf(b);
  const none = { in: 0n, out: 0n, goods: false, part: null };
  switch (entry.kind) {
    case 'donation':
      return b.in_kind ? { in: amount, out: 0n, goods: true, part: 'donations_goods' } : { in: amount, out: 0n, goods: false, part: 'donations_money' };
    case 'disbursement':
      return { in: 0n, out: amount, goods: false, part: 'payments' };
    case 'transfer':
      if (b.from === campaign) return { in: 0n, out: amount, goods: false, part: 'transfers_out' };
      if (b.to === campaign) return { in: amount, out: 0n, goods: false, part: 'transfers_in' };
      return none;
    case 'reversal': {
      if (!target) return none;
      const back = moveOf(campaign, target, undefined);
      const part = {
        donations_money: 'reversed_donations',
        donations_goods: 'reversed_donations',
        payments: 'reversed_payments',
        transfers_in: 'reversed_transfers_in',
        transfers_out: 'reversed_transfers_out',
      }[back.part];
      return part ? {
        in: back.out, out: back.in, goods: back.goods, part,
      } : none;
    }
    default:
      return none;
  }
}

/**
 * The statement lines of `campaign`, newest first, from `items` (API rows, newest first, the
 * campaign's entries from the newest on) and `targets` (a Map seq -> entry holding the
 * entries reversals reverse that are not among `items`). A row's `reversed_by` (the API's
 * mark, `{seq, reason, note}`) or a reversal among `items` marks an entry as reversed. Each
 * line: `{ seq, entry, day, in, out, goods, part, balance, reversedBy, reversal, reverses }`
 * (`reversal` is the API's mark when there is one), `balance` being the campaign's balance
 * after the entry, counted back from `balanceNow` (the balance after the newest entry), or
 * forward from zero when `complete` (the items reach back to the campaign's opening).
 */
export function statementLines(campaign, items, { targets = new Map(), balanceNow = 0n, complete = false } = {}) {
  const bySeq = new Map(items.map((it) => [it.seq, it.entry]));
  const reversedBy = new Map();
  for (const it of items) {
    if (it.reversed_by && Number.isSafeInteger(it.reversed_by.seq)) reversedBy.set(it.seq, it.reversed_by.seq);
    if (it.entry && it.entry.kind === 'reversal') reversedBy.set(Number(it.entry.body?.reverses), it.seq);
  }
  const lines = items.filter((it) => it.entry).map((it) => {
    const reverses = it.entry.kind === 'reversal' ? Number(it.entry.body?.reverses) : null;
    const target = reverses === null ? undefined : (bySeq.get(reverses) ?? targets.get(reverses));
    return {
      seq: it.seq,
      entry: it.entry,
      day: dayOf(it.entry),
      ...moveOf(campaign, it.entry, target),
      target,
      reverses,
      reversedBy: reversedBy.get(it.seq) ?? null,
      reversal: it.reversed_by ?? null,
      balance: 0n,
    };
  });
  if (complete) {
    let balance = 0n;
    for (let i = lines.length - 1; i >= 0; i--) {
      balance += lines[i].in - lines[i].out;
      lines[i].balance = balance;
    }
  } else {
    let balance = balanceNow;
    for (const line of lines) {
      line.balance = balance;
      balance -= line.in - line.out;
    }
  }
  return lines;
}

/**
 * The totals of a whole statement (every line from the opening on): gross amounts of each
 * kind, reversals split by what they reversed, money and goods given in kind apart, and the
 * balance they add up to. `goods` is the net value of goods given in kind, counted in the
 * balance.
 */
export function statementTotals(lines) {
  const t = { ...ZERO, goods: 0n, reversed_goods: 0n };
  for (const l of lines) {
    if (!l.part) continue;
    t[l.part] += l.in + l.out;
    if (l.goods && l.part === 'reversed_donations') t.reversed_goods += l.out;
  }
  t.goods = t.donations_goods - t.reversed_goods;
  t.balance = t.donations_money + t.donations_goods + t.transfers_in + t.reversed_payments + t.reversed_transfers_out
    - t.payments - t.transfers_out - t.reversed_donations - t.reversed_transfers_in;
  return t;
}

/**
 * Whether `line` passes the statement's filters: `kind` ('' for any, or an entry kind; the
 * campaign's opening and closing count as 'campaign'), `from` and `to` (YYYY-MM-DD, inclusive,
 * '' for none), `min` and `max` (BigInt minor units, null for none; a line's amount is what
 * it moved in or out).
 */
export function lineMatches(line, {
  kind = '', from = '', to = '', min = null, max = null,
} = {}) {
  const k = line.entry.kind.startsWith('campaign.') ? 'campaign' : line.entry.kind;
  if (kind && k !== kind) return false;
  if (from && line.day < from) return false;
  if (to && line.day > to) return false;
  const amount = line.in > line.out ? line.in : line.out;
  if (min !== null && amount < min) return false;
  if (max !== null && amount > max) return false;
  return true;
}
