// Bank accounts, reconciled (#/accounts, SPEC.md §16): the ledger's entries read page by page,
// each statement's published lines fetched and checked in the browser against the root and
// hash its entry committed to, and every line matched (web/verify/reconcile.js). Per account:
// the day it is reconciled through, the bank's balance, what the ledger explains of it, and
// every difference with its statement, line and day. Text from the ledger goes in with
// textContent only (h()).

import * as V from '../verify.js';
import { h, dl, section } from './dom.js';
import { money, dateText } from './format.js';
import { getBytes, getInfo } from './server.js';
import { t, has } from '../i18n.js';
import { bankLineSearch } from './bank-line.js';

const PAGE = 1000;

/** Every entry of the ledger at the latest checkpoint, decoded, in order. */
async function entries(size) {
  const out = [];
  for (let start = 0; start < size; start += PAGE) {
    const bytes = await getBytes(`/entries?start=${start}&limit=${Math.min(PAGE, size - start)}`);
    const text = V.decodeUtf8(bytes);
    for (const line of text.split('\n')) if (line) out.push(V.decodeLeaf(line));
  }
  return out;
}

/** The view. */
export async function viewAccounts(out) {
  out.append(h('h1', {}, t('acc_title')), h('p', {}, t('acc_intro')), bankLineSearch());
  const info = await getInfo(true);
  const reconciler = new V.Reconciler();
  for (const e of await entries(info.size)) reconciler.observe(e);
  if (reconciler.statements.length === 0) {
    out.append(h('p', { class: 'note' }, t('acc_none')));
    return;
  }
  const files = new Map();
  for (const { s: st } of reconciler.statements) {
    try {
      files.set(st.lines_sha256, await getBytes(`/statements/${st.lines_sha256}/lines`));
    } catch {
      // Reported by the reconciliation as lines not available.
    }
  }
  const result = reconciler.finish((st) => files.get(st.lines_sha256) ?? null);
  for (const a of result.accounts) out.append(accountView(a));
}

function accountView(a) {
  const c = a.currency;
  const signed = (v) => (v < 0n ? `−${money((-v).toString(), c)}` : money(v.toString(), c));
  const difference = a.bank_balance - a.ledger_balance;
  const box = section(
    t('acc_account', { bank: a.account.bank, number: a.account.number, holder: a.account.holder }),
    h('p', { class: `verdict ${a.findings.length ? 'bad' : 'good'}` }, a.reconciled_through
      ? `${t('acc_through')}: ${dateText(a.reconciled_through)}`
      : t('acc_not_reconciled')),
    dl([
      [t('acc_bank_balance'), signed(a.bank_balance)],
      [t('acc_ledger_balance'), signed(a.ledger_balance)],
      [t('acc_difference'), signed(difference)],
      [t('acc_statements'), String(a.statements.length)],
      [t('acc_lines'), String(a.lines)],
    ]),
  );
  if (a.findings.length === 0) {
    box.append(h('p', {}, t('acc_all_explained')));
  } else {
    box.append(h('h3', {}, t('acc_differences')), h('ul', { class: 'findings' }, ...a.findings.map((f) => h('li', {}, findingText(f)))));
  }
  if (a.excluded.length) {
    box.append(h('details', {}, h('summary', {}, t('acc_explained')), h('ul', {}, ...a.excluded.map((x) => h('li', {}, excludedText(x))))));
  }
  return box;
}

/** Where a finding or exclusion is: its statement, line (if any) and day, in the page's language. */
function place(x) {
  const at = { statement: x.statement, line: x.line, date: x.date };
  return x.line === null ? t('acc_f_at', at) : t('acc_f_at_line', at);
}

/** The reason of an exclusion in the page's language (the code itself when unknown). */
function reasonText(reason) {
  return has(`acc_reason_${reason}`) ? t(`acc_reason_${reason}`) : reason;
}

/** A finding in the page's language, from its stable code and parameters. */
export function findingText(f) {
  const key = `acc_f_${f.code}`;
  if (!has(key)) return f.text;
  const params = { ...f.params };
  if (params.reason !== undefined) params.reason = reasonText(params.reason);
  return `${place(f)}${t(key, params)}`;
}

/** An excluded line in the page's language. */
export function excludedText(x) {
  return `${place(x)}${t('acc_x_excluded', { amount: x.amount, id: x.id, reason: reasonText(x.reason) })}`;
}
