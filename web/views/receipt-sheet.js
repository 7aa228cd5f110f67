// A verified donation receipt as a sheet that stands alone on paper: the organisation, the
// campaign, the day received, the amount, the receipt code, its QR code and the address to
// check it at, and the signed checkpoint it was proved against (style.css's print rules hide
// everything else on the page). Nothing from a receipt is ever put on the page as HTML.

import { t } from '../i18n.js';
import { h, dl, code } from './dom.js';
import {
  money, integer, dateText, label, donorName, shortHash,
} from './format.js';
import { API_BASE } from './server.js';
import { url as onSite } from '../base.js';
import { whatCannotBeProved } from './words.js';
import { reversedMark } from './reversal.js';

/** The address a receipt is checked at: this page's own, `…/#/receipt/<code>`. */
export const receiptUrl = (receiptCode) => onSite(`#/receipt/${receiptCode}`);

/**
 * The sheet of receipt `receipt` verified as `v` (verifyReceipt's result): `org` is the
 * organisation's name, `campaign` its campaign ({id, title} or null), `checklist` the proof
 * steps (shown behind a fold), `reversal` the entry that reversed it ({seq, reason, note}) or
 * null, `qr` whether to show the server's QR code (only for a receipt the server holds).
 */
export function receiptSheet(receipt, v, {
  org, campaign, checklist, reversal = null, qr = true,
}) {
  const b = v.entry.body;
  const url = receiptUrl(receipt.code);
  const sheet = h('article', { class: 'card receipt-sheet', 'data-seq': String(v.seq), 'aria-labelledby': 'receipt-heading' });
  sheet.append(
    h('p', { class: 'receipt-org' }, org || ''),
    h('h2', { id: 'receipt-heading' }, t('receipt_heading', { code: receipt.code })),
  );
  if (reversal) {
    sheet.append(h('div', { class: 'verdict bad', role: 'alert', 'data-reversed': 'true' }, h('p', { class: 'verdict-text' }, t('receipt_reversed')), reversedMark(reversal.seq, { body: reversal })));
  }
  sheet.append(dl([
    [t('campaign'), campaign ? h('a', { href: `#/campaign/${encodeURIComponent(campaign.id)}` }, campaign.title) : b.campaign],
    [t('received_at'), dateText(b.received_at)],
    [t('amount'), h('strong', { class: 'amount', 'data-field': 'amount' }, money(b.amount, b.currency))],
    [t('donor'), donorName(b.donor)],
    [t('channel'), label('channel', b.channel)],
    [t('reference'), b.reference !== undefined ? code(b.reference, 'ref') : undefined],
    [t('in_kind'), b.in_kind ? h('span', { class: 'prewrap' }, b.in_kind.description) : undefined],
    [t('receipt_code'), h('code', { 'data-field': 'code' }, receipt.code)],
  ], 'facts receipt-facts'));
  sheet.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('receipt_ok_plain', { org: org || '', size: integer(v.cp.size) })), whatCannotBeProved()));
  const check = h('div', { class: 'receipt-check' });
  if (qr) check.append(h('img', { class: 'qr', src: `${API_BASE}/receipts/${encodeURIComponent(receipt.code)}/qr.svg`, alt: t('receipt_qr_alt'), width: '132', height: '132' }));
  check.append(h('div', {}, h('p', {}, t('receipt_check_at')), h('p', {}, h('a', { href: url, class: 'receipt-url', 'data-field': 'url' }, url))));
  sheet.append(check);
  sheet.append(h('p', { class: 'note receipt-checkpoint', 'data-field': 'checkpoint' }, t('receipt_checkpoint', { size: integer(v.cp.size), root: shortHash(v.cp.root) })));
  sheet.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), checklist, dl([
    [t('leaf_hash'), code(v.leafHash)],
    [t('cp_root'), code(v.cp.root)],
  ]), h('p', {}, h('a', { href: `#/entry/${v.seq}` }, t('entry_n', { seq: v.seq })))));
  return sheet;
}
