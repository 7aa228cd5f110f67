// The published totals (SPEC.md §8): computed from a ledger state, and compared with the totals
// a server claims (/api/v1/totals), naming the first campaign, currency and field that differ
// (SPEC.md §9 step 5: campaigns matched by id in any order, unknown members ignored). A reversed
// transfer counts in both its campaigns' `reversed` but not in its currency's: it moved no money
// into or out of the currency.

import { VerifyError } from './errors.js';

/** A canonical total (decimal digits, no leading zero) as BigInt, or null. */
export function parseTotal(text) {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)$/.test(text)) return null;
  return BigInt(text);
}
/** The published totals of a state, amounts as decimal strings (as the API serves them). */
export function totalsOf(state) {
  const cur = new Map();
  const campaigns = state.campaigns.map((c) => {
    const t = c.totals;
    const k = cur.get(c.currency) ?? { donated: 0n, disbursed: 0n, reversed: 0n, balance: 0n };
    k.donated += t.donated;
    k.disbursed += t.disbursed;
    k.reversed += t.reversed - t.reversed_transfers;
    k.balance += t.balance;
    cur.set(c.currency, k);
    const s = {
      id: c.id,
      title: c.title,
      currency: c.currency,
      status: c.closed ? 'closed' : 'open',
      donated: String(t.donated),
      disbursed: String(t.disbursed),
      transferred_in: String(t.transferred_in),
      transferred_out: String(t.transferred_out),
      reversed: String(t.reversed),
      balance: String(t.balance),
      donations: t.donations,
      disbursements: t.disbursements,
    };
    if (c.goal !== undefined) s.goal = String(c.goal);
    return s;
  });
  const currencies = {};
  for (const code of [...cur.keys()].sort()) {
    const k = cur.get(code);
    currencies[code] = {
      donated: String(k.donated), disbursed: String(k.disbursed), reversed: String(k.reversed), balance: String(k.balance),
    };
  }
  return { size: state.size, campaigns, currencies };
}

function totalsError(message, extra = {}) {
  return new VerifyError('totals', message, extra);
}

/** Compares claimed totals (e.g. from /api/v1/totals) with computed ones; throws on the first difference. */
export function checkTotals(claimed, computed) {
  if (!claimed || typeof claimed !== 'object') throw totalsError('totals: the claimed totals are not an object');
  if (String(claimed.size) !== String(computed.size)) {
    throw totalsError(`totals: claimed for ${claimed.size} entries, the ledger has ${computed.size}`);
  }
  const list = Array.isArray(claimed.campaigns) ? claimed.campaigns : [];
  const byId = new Map(list.map((c) => [c.id, c]));
  for (const c of computed.campaigns) {
    const k = byId.get(c.id);
    if (!k) throw totalsError(`totals: campaign ${c.id} is missing or extra in the claimed totals`, { campaign: c.id });
    for (const field of ['currency', 'status', 'title', 'donated', 'disbursed', 'transferred_in', 'transferred_out', 'reversed', 'balance', 'donations', 'disbursements']) {
      const kv = k[field] === undefined || k[field] === null ? undefined : String(k[field]);
      if (kv !== String(c[field])) {
        throw totalsError(`campaign ${c.id} ${c.currency}: claimed ${field} ${kv}, entries add up to ${c[field]}`, { campaign: c.id, field });
      }
    }
    const kg = k.goal === undefined || k.goal === null ? undefined : String(k.goal);
    if (kg !== c.goal) {
      throw totalsError(`campaign ${c.id} ${c.currency}: claimed goal ${kg ?? 'none'}, entries add up to ${c.goal ?? 'none'}`, { campaign: c.id, field: 'goal' });
    }
  }
  if (list.length !== computed.campaigns.length) {
    const known = new Set(computed.campaigns.map((c) => c.id));
    const extra = list.find((c) => !known.has(c.id));
    throw totalsError(`totals: campaign ${extra ? extra.id : '?'} is missing or extra in the claimed totals`);
  }
  const kc = claimed.currencies && typeof claimed.currencies === 'object' ? claimed.currencies : {};
  for (const [code, c] of Object.entries(computed.currencies)) {
    const k = Object.hasOwn(kc, code) ? kc[code] : {};
    for (const field of ['donated', 'disbursed', 'reversed', 'balance']) {
      const kv = k[field] === undefined ? '0' : String(k[field]);
      if (kv !== c[field]) {
        throw totalsError(`currency ${code}: claimed ${field} ${kv}, entries add up to ${c[field]}`, { currency: code, field });
      }
    }
  }
  const extra = Object.keys(kc).find((code) => !Object.hasOwn(computed.currencies, code));
  if (extra) throw totalsError(`currency ${extra}: claimed totals for a currency no campaign uses`, { currency: extra });
}
