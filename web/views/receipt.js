// Donation receipts on the public page (SPEC.md §12): check a receipt in the browser, from
// the server (#/receipt/<code>) or from a file the donor pastes or uploads, with the
// independent verifier (verify.js's verifyReceipt). A receipt needs nothing else: it verifies
// offline and for good. Nothing from a receipt is ever put on the page as HTML.

import { verifyReceipt, parseReceiptCode } from '../verify.js';
import { t } from '../i18n.js';
import { h, section } from './dom.js';
import { integer, kindLabel } from './format.js';
import { getInfo } from './server.js';
import { checklist, entryBody } from './cards.js';
import { witnessesSection } from './witnesses.js';

/**
 * The receipt view, `#/receipt/<code>` (fetched from the server and checked against the
 * published key) or `#/receipt` (a receipt file pasted or uploaded, checked on the spot).
 */
// Long because it lays out one page top to bottom (fetch or paste, then the same checklist);
// each step's checking lives in web/verify/receipt.js.
export async function viewReceipt(out, route) {
  out.append(h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('back_overview'))));
  out.append(h('h1', {}, t('receipt_title')));
  let published = null;
  try {
    published = (await getInfo()).key;
  } catch {
    // offline: a pasted receipt is checked against its own key, with a warning
  }

  const show = async (box, receipt, identifier) => {
    const { ul, step } = checklist();
    box.append(ul);
    const key = published || receipt?.key;
    if (!published) box.append(h('p', { class: 'note' }, t('receipt_key_warning')));
    try {
      const v = await verifyReceipt(receipt, { key, identifier, step });
      const b = v.entry.body;
      box.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('receipt_ok', { code: receipt.code, seq: v.seq, size: integer(v.cp.size) }))));
      if (v.identifierChecked) box.append(h('p', {}, t('receipt_identifier_ok')));
      box.append(h('article', { class: 'card entry-full receipt', 'data-seq': String(v.seq) }, h('h2', {}, kindLabel(v.entry.kind)), ...entryBody(v.entry.kind, b)));
      box.append(h('dl', { class: 'facts' }, h('dt', {}, t('receipt_code')), h('dd', {}, h('code', {}, receipt.code)), h('dt', {}, t('leaf_hash')), h('dd', {}, h('code', { class: 'hash' }, v.leafHash))));
      box.append(h('p', {}, h('a', { href: `#/entry/${v.seq}` }, t('entry_n', { seq: v.seq }))));
      const witnesses = await witnessesSection(receipt.checkpoint);
      if (witnesses) box.append(witnesses);
      return true;
    } catch (e) {
      box.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('receipt_failed', { error: e.message }))));
      return false;
    }
  };

  if (route.code) {
    const box = section(t('receipt_from_server', { code: route.code }));
    out.append(box);
    if (!parseReceiptCode(route.code)) {
      box.append(h('p', {}, t('receipt_not_found', { code: route.code })));
    } else {
      const response = await fetch(`/api/v1/receipts/${encodeURIComponent(route.code)}`, { cache: 'no-store' });
      if (response.status === 404) {
        box.append(h('p', {}, t('receipt_not_found', { code: route.code })));
      } else if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      } else {
        await show(box, await response.json());
        box.append(h('button', { type: 'button', class: 'print', on: { click: () => window.print() } }, t('receipt_print')));
      }
    }
  }

  const form = section(t('receipt_paste_title'));
  form.classList.add('receipt-paste');
  form.append(h('p', {}, t('receipt_paste_intro')));
  const area = h('textarea', {
    id: 'receipt-json', rows: '6', spellcheck: 'false', autocomplete: 'off', class: 'wrap',
  });
  const file = h('input', { id: 'receipt-file', type: 'file', accept: 'application/json,.json' });
  const ident = h('input', {
    id: 'receipt-identifier', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '500',
  });
  const result = h('div', { class: 'receipt-result', 'aria-live': 'polite' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (f) area.value = await f.text();
  });
  const check = async (ev) => {
    ev.preventDefault();
    while (result.firstChild) result.removeChild(result.firstChild);
    let receipt;
    try {
      receipt = JSON.parse(area.value);
    } catch (e) {
      result.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('receipt_failed', { error: `receipt: not valid JSON (${e.message})` }))));
      return;
    }
    await show(result, receipt, ident.value.trim() || undefined);
  };
  form.append(h(
    'form',
    { class: 'receipt-form', on: { submit: check } },
    h('label', { for: 'receipt-json' }, t('receipt_paste_label')),
    area,
    h('label', { for: 'receipt-file' }, t('receipt_file_label')),
    file,
    h('label', { for: 'receipt-identifier' }, t('receipt_identifier_label')),
    ident,
    h('button', { type: 'submit' }, t('receipt_check')),
  ));
  form.append(result);
  out.append(form);
}
