// Donor statements (SPEC.md §21): every gift of one donor over a range of days, each a full
// receipt (SPEC.md §12) against one signed checkpoint, with totals per currency. Verified
// offline with nothing but the verifier key, in the order of SPEC.md §21.2; the errors are the
// Rust verifier's words.

import { VerifyError } from './errors.js';
import { isDate } from './fields.js';
import { verifyReceipt } from './receipt.js';

export const STATEMENT_TYPE = 'fundtrail-donor-statement';
const MEMBERS = ['type', 'v', 'from', 'to', 'receipts', 'totals'];

function fail(code, message) {
  return new VerifyError(code, `statement: ${message}`);
}

/** The totals of `donations` (entry bodies), one per currency, in currency-code order. */
export function giftTotalsOf(donations) {
  const sums = new Map();
  for (const d of donations) {
    const slot = sums.get(d.currency) ?? { currency: d.currency, amount: 0n, gifts: 0 };
    slot.amount += BigInt(d.amount);
    slot.gifts += 1;
    sums.set(d.currency, slot);
  }
  return [...sums.keys()].sort().map((c) => {
    const s = sums.get(c);
    return { currency: c, amount: s.amount.toString(), gifts: s.gifts };
  });
}

function describe(totals) {
  if (totals.length === 0) return 'nothing';
  return totals.map((t) => `${t.amount} ${t.currency} in ${t.gifts} ${t.gifts === 1 ? 'gift' : 'gifts'}`).join('; ');
}

function sameTotals(a, b) {
  return Array.isArray(a) && a.length === b.length
    && a.every((t, i) => t && t.currency === b[i].currency && t.amount === b[i].amount && t.gifts === b[i].gifts);
}

function checkShape(st) {
  if (!st || typeof st !== 'object' || Array.isArray(st)) throw fail('malformed', 'not a JSON object');
  for (const k of Object.keys(st)) if (!MEMBERS.includes(k)) throw fail('malformed', `unknown member "${k}"`);
  if (st.type !== STATEMENT_TYPE || st.v !== 1) {
    throw fail('malformed', `not a fundtrail donor statement version 1 (type ${JSON.stringify(st.type)}, v ${st.v})`);
  }
  if (!Array.isArray(st.receipts) || !Array.isArray(st.totals)) throw fail('malformed', 'receipts and totals must be lists');
}

/**
 * Verifies a donor statement (a parsed JSON object) against the verifier key `key`: format,
 * range, then each gift (its receipt, with `identifier` when given; the first gift's checkpoint;
 * after the gift before it; received within the range), then the totals. Returns
 * { gifts: [{ seq, code, entry }], totals, cp, identifierChecked } or throws a VerifyError.
 */
export async function verifyDonorStatement(st, { key, identifier } = {}) {
  checkShape(st);
  if (!isDate(st.from) || !isDate(st.to) || st.to < st.from) {
    throw fail('range', `the range ${JSON.stringify(st.from)} to ${JSON.stringify(st.to)} is not two days in order`);
  }
  const gifts = [];
  let cp = null;
  let previous = null;
  for (const [i, r] of st.receipts.entries()) {
    const index = i + 1;
    let v;
    try {
      v = await verifyReceipt(r, { key: key ?? r.key, identifier });
    } catch (e) {
      if (e instanceof VerifyError) throw fail(e.code, `gift ${index} (${r && r.code}): ${e.message}`);
      throw e;
    }
    if (st.receipts[0].checkpoint !== r.checkpoint) {
      throw fail('checkpoint', `gift ${index} (${r.code}) is proven against another checkpoint than gift 1`);
    }
    if (previous !== null && previous >= v.seq) {
      throw fail('order', `gift ${index} (entry ${v.seq}) is not after the gift before it (entry ${previous})`);
    }
    const day = v.entry.body.received_at;
    if (day < st.from || day > st.to) {
      throw fail('range', `gift ${index} (entry ${v.seq}) was received on ${day}, outside ${st.from} to ${st.to}`);
    }
    previous = v.seq;
    cp = v.cp;
    gifts.push({ seq: v.seq, code: r.code, entry: v.entry });
  }
  const totals = giftTotalsOf(gifts.map((g) => g.entry.body));
  if (!sameTotals(st.totals, totals)) {
    throw fail('totals', `the totals say ${describe(st.totals)}, the gifts add up to ${describe(totals)}`);
  }
  return {
    gifts, totals, cp, identifierChecked: Boolean(identifier) && gifts.length > 0,
  };
}
