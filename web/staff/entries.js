// Ledger entries as the console shows them: a one-line summary (dashboard, search results,
// statement imports) and the full facts of one entry (its own screen, the reversal screen).
// Every value from the ledger goes on the page as text.

import { h, dl, code } from '../views/dom.js';
import { t } from './i18n.js';
import { money, dayText, timeEl, label } from './format.js';

/** The amount an entry moves, in words of its currency ('' for entries that move none). */
export function entryAmount(e) {
  const b = e.body || {};
  return b.amount !== undefined && b.currency ? money(b.amount, b.currency) : '';
}

/** The receipt code of donation `seq` with leaf hash `leafHash` (SPEC.md §12). */
export const receiptCode = (seq, leafHash) => `R-${seq}-${String(leafHash).slice(0, 8)}`;

/** Whether an entry of `kind` can be reversed. */
export const reversible = (kind) => kind === 'donation' || kind === 'disbursement' || kind === 'transfer';

/** Who or what an entry is about, in a few words. */
function about(e) {
  const b = e.body || {};
  switch (e.kind) {
    case 'donation': return t('from_donor', { donor: b.donor });
    case 'disbursement': return t('to_recipient', { recipient: b.recipient });
    case 'transfer': return t('transfer_from_to', { from: b.from, to: b.to });
    case 'reversal': return t('reverses', { seq: b.reverses });
    case 'campaign.open': return b.title;
    case 'campaign.close': return b.campaign;
    case 'update': return b.title;
    default: return '';
  }
}

/** One line about entry `e` (a parsed leaf), linking to its screen. */
export function entryLine(e) {
  const amount = entryAmount(e);
  const campaign = e.body?.campaign;
  return h(
    'li',
    { class: 'entry-line', 'data-seq': String(e.seq) },
    h('a', { href: `#/entry/${e.seq}` }, t('entry_n', { seq: e.seq })),
    ' · ',
    h('span', { class: 'kind' }, label('kind', e.kind)),
    amount ? [' · ', h('strong', { class: 'amount' }, amount)] : null,
    ' · ',
    h('span', { class: 'about' }, about(e)),
    campaign && e.kind !== 'campaign.close' ? [' · ', h('span', { class: 'campaign-id' }, campaign)] : null,
  );
}

/** The facts of entry `e` (a parsed leaf) as [label, value] rows. */
export function entryRows(e) {
  const b = e.body || {};
  const text = (v) => (v === undefined || v === null ? undefined : h('span', { class: 'prewrap' }, String(v)));
  const rows = [
    [t('entry_number'), String(e.seq)],
    [t('kind'), label('kind', e.kind)],
    [t('amount'), entryAmount(e) || undefined],
    [t('campaign'), text(b.campaign)],
  ];
  switch (e.kind) {
    case 'donation':
      rows.push(
        [t('donor'), text(b.donor)],
        [t('channel'), label('channel', b.channel)],
        [t('received_at'), dayText(b.received_at)],
        [t('reference'), b.reference !== undefined ? code(b.reference, 'ref') : undefined],
        [t('in_kind'), text(b.in_kind?.description)],
        [t('memo'), text(b.memo)],
        [t('pl_choice'), b.pledge !== undefined ? h('a', { href: `#/entry/${b.pledge}` }, t('entry_n', { seq: b.pledge })) : undefined],
      );
      break;
    case 'disbursement':
      rows.push(
        [t('recipient'), text(b.recipient)],
        [t('purpose'), text(b.purpose)],
        [t('paid_at'), dayText(b.paid_at)],
        [t('bud_line_choice'), b.budget_line !== undefined ? code(b.budget_line) : undefined],
        [t('evidence'), b.evidence && b.evidence.length ? h('ul', { class: 'plain' }, b.evidence.map((ev) => h('li', {}, text(ev.name ?? ev.media_type), ' ', code(ev.sha256)))) : t('no_evidence')],
      );
      break;
    case 'transfer':
      rows.push([t('from_campaign'), text(b.from)], [t('to_campaign'), text(b.to)], [t('reason'), text(b.reason)]);
      break;
    case 'reversal':
      rows.push([t('reverses_entry'), h('a', { href: `#/entry/${b.reverses}` }, t('entry_n', { seq: b.reverses }))], [t('reason'), label('reason', b.reason)], [t('note'), text(b.note)]);
      break;
    case 'campaign.open':
      rows.push(
        [t('title'), text(b.title)],
        [t('purpose'), text(b.purpose)],
        [t('currency'), b.currency],
        [t('goal'), b.goal !== undefined ? money(b.goal, b.currency) : undefined],
        [t('ends_on'), b.ends_on ? dayText(b.ends_on) : undefined],
        [t('accounts'), b.accounts && b.accounts.length ? h('ul', { class: 'plain' }, b.accounts.map((a) => h('li', {}, text(a.bank), ' · ', code(a.number, 'account'), ' · ', text(a.holder)))) : undefined],
      );
      break;
    case 'campaign.close':
      rows.push([t('note'), text(b.note)]);
      break;
    case 'update':
      rows.push(
        [t('upd_headline'), text(b.title)],
        [t('upd_text'), text(b.text)],
        [t('upd_date'), dayText(b.date)],
        [t('evidence'), b.evidence && b.evidence.length ? h('ul', { class: 'plain' }, b.evidence.map((ev) => h('li', {}, text(ev.name ?? ev.media_type), ' ', code(ev.sha256)))) : t('no_evidence')],
      );
      break;
    case 'budget':
      rows.push(
        [t('bud_revises'), b.revises !== undefined ? h('a', { href: `#/entry/${b.revises}` }, t('entry_n', { seq: b.revises })) : t('bud_first')],
        [t('bud_lines'), h('ul', { class: 'plain' }, b.lines.map((l) => h('li', {}, code(l.id), ' ', text(l.label), ' · ', text(l.category), l.sector ? ` · ${l.sector}` : '', ' · ', money(l.amount, b.currency))))],
        [t('note'), text(b.note)],
      );
      break;
    case 'pledge':
      rows.push([t('donor'), text(b.donor)], [t('pl_expected'), b.expected_on ? dayText(b.expected_on) : undefined], [t('note'), text(b.note)]);
      break;
    case 'pledge.cancel':
      rows.push([t('pl_choice'), h('a', { href: `#/entry/${b.pledge}` }, t('entry_n', { seq: b.pledge }))], [t('reason'), text(b.reason)]);
      break;
    default:
      break;
  }
  rows.push([t('recorded_at'), timeEl(e.recorded_at)], [t('recorded_by'), text(e.recorded_by)]);
  return rows;
}

/** The facts of entry `e` as a definition list. */
export const entryFacts = (e) => dl(entryRows(e));
