// "Where the money went" on a campaign's page: each payment, newest first, with its purpose,
// recipient, day and amount, whether it was reversed, and its evidence documents (thumbnails
// of images drawn in the browser once their bytes match the ledger, see evidence.js).

import { t } from '../i18n.js';
import { h, section } from './dom.js';
import { money, dateText } from './format.js';
import { evidenceList } from './evidence.js';
import { reversedMark } from './reversal.js';
import { approvalLine } from './approval.js';

const AUTO_PAYMENTS = 10; // payments whose images get their thumbnail without a click

/** The section listing every payment among `lines` (statement lines, newest first). */
export function paymentsSection(c, lines) {
  const bySeq = new Map(lines.map((l) => [l.seq, l.entry]));
  const box = section(t('where_money_went'));
  box.id = 'payments';
  const payments = lines.filter((l) => l.entry.kind === 'disbursement');
  if (payments.length === 0) {
    box.append(h('p', {}, t('no_payments')));
    return box;
  }
  const list = h('ol', { class: 'payments' });
  payments.forEach((l, i) => {
    const b = l.entry.body || {};
    list.append(h(
      'li',
      { class: `payment${l.reversedBy !== null ? ' reversed' : ''}`, 'data-seq': String(l.seq) },
      h('h3', {}, h('span', { class: 'prewrap' }, b.purpose)),
      h('p', { class: 'amount-line' }, h('strong', { class: 'amount minus' }, `−${money(b.amount, c.currency)}`), ' ', t('to_recipient', { recipient: b.recipient })),
      h('p', { class: 'note' }, t('paid_on', { day: dateText(b.paid_at ?? l.day) }), ' · ', h('a', { href: `#/entry/${l.seq}` }, t('entry_n', { seq: l.seq }))),
      approvalLine(b),
      l.reversedBy !== null ? reversedMark(l.reversedBy, bySeq.get(l.reversedBy) ?? { body: l.reversal ?? {} }) : null,
      h('div', { class: 'evidence' }, h('p', { class: 'ev-title' }, t('evidence')), evidenceList(b.evidence, { auto: i < AUTO_PAYMENTS })),
    ));
  });
  box.append(list);
  return box;
}

/**
 * The updates section: what the organisation said about the campaign in the ledger — its
 * `update` entries (a title, a text, photos and documents checked against their hash before
 * they are shown) and its closing note — newest first; null when there is nothing.
 */
export function updatesSection(lines) {
  const updates = lines.filter((l) => (l.entry.kind === 'update' && l.entry.body) || (l.entry.kind === 'campaign.close' && l.entry.body?.note));
  if (updates.length === 0) return null;
  const box = section(t('updates'));
  box.id = 'updates';
  const list = h('ul', { class: 'updates' });
  updates.forEach((l, i) => {
    const b = l.entry.body;
    const isUpdate = l.entry.kind === 'update';
    list.append(h(
      'li',
      { class: isUpdate ? 'update' : 'closing', 'data-seq': String(l.seq) },
      isUpdate ? h('h3', {}, h('span', { class: 'prewrap' }, b.title)) : null,
      h('p', { class: 'note' }, dateText(l.day), ' · ', h('a', { href: `#/entry/${l.seq}` }, t('entry_n', { seq: l.seq }))),
      h('p', { class: 'prewrap' }, isUpdate ? b.text : b.note),
      isUpdate && Array.isArray(b.evidence) && b.evidence.length > 0
        ? h('div', { class: 'evidence' }, h('p', { class: 'ev-title' }, t('upd_photos')), evidenceList(b.evidence, { auto: i < AUTO_PAYMENTS }))
        : null,
    ));
  });
  box.append(list);
  return box;
}
