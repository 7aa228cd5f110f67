// Donation receipts on the public page (SPEC.md §12): a box to type a receipt code; a receipt
// fetched from the server (#/receipt/<code>) and checked in the browser, shown as a sheet that
// prints on its own (receipt-sheet.js); and a receipt file the donor pastes or uploads, with
// their identifier, checked on the spot (verify.js's verifyReceipt), as JSON or as a C2SP
// tlog-proof file (`.tlog-proof`, SPEC.md §12.1, read by verify.js's tlogProofReceipt). A receipt needs nothing
// else: it verifies offline and for good. Nothing from a receipt is ever put on the page as HTML.

import {
  verifyReceipt, parseReceiptCode, tlogProofReceipt, TLOG_PROOF_HEADER,
} from '../verify.js';
import { t } from '../i18n.js';
import { h, section, clear } from './dom.js';
import { describe } from './format.js';
import { API_BASE, getInfo, getJSON } from './server.js';
import { checklist, entryBody } from './cards.js';
import { normalReceiptCode } from './receipt-code.js';
import { receiptSheet } from './receipt-sheet.js';
import { plainDetails } from './words.js';
import { witnessesSection } from './witnesses.js';

/** The box to type a receipt code in; sending it opens that receipt. */
function codeForm(value) {
  const input = h('input', {
    id: 'receipt-code', name: 'code', type: 'text', value, autocomplete: 'off', spellcheck: 'false', maxlength: '40', 'aria-describedby': 'receipt-code-help receipt-code-error', autocapitalize: 'characters',
  });
  const error = h('p', { id: 'receipt-code-error', class: 'field-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'find receipt-code-form' },
    h('label', { for: 'receipt-code' }, t('receipt_code_label')),
    h('p', { id: 'receipt-code-help', class: 'note' }, t('receipt_code_help')),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, t('receipt_open'))),
    error,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const found = normalReceiptCode(input.value);
    if (!found) {
      error.textContent = t('receipt_code_bad', { code: input.value.trim() });
      return;
    }
    location.hash = `#/receipt/${found}`;
  });
  return form;
}

/** The campaign `id` as {id, title}, or null when it cannot be read. */
async function campaignOf(id) {
  try {
    const c = await getJSON(`/campaigns/${encodeURIComponent(id)}`);
    return { id: c.id, title: c.title };
  } catch {
    return null;
  }
}

/**
 * What the server says of receipt `code` now: `{ campaign, reversal }` (its campaign as
 * {id, title}, and the entry that reversed it as {seq, reason, note} or null), from
 * GET /receipts/{code}/status; from the campaign and the `Fundtrail-Reversed-By` header of
 * the receipt's answer (`response`) when there is no status route.
 */
async function statusOf(code, response, campaignId) {
  try {
    const status = await getJSON(`/receipts/${encodeURIComponent(code)}/status`);
    return { campaign: status.campaign ?? await campaignOf(campaignId), reversal: status.reversed_by ?? null };
  } catch {
    const seq = response.headers.get('fundtrail-reversed-by');
    return { campaign: await campaignOf(campaignId), reversal: seq && /^\d+$/.test(seq) ? { seq: Number(seq) } : null };
  }
}

/**
 * The key to check `receipt` with: its own when it is one the site lists as a key of this
 * ledger (a receipt against a checkpoint signed before a key rotation, SPEC.md §23), else the
 * key the site publishes.
 */
function keyFor(receipt, inf) {
  const own = typeof receipt?.key === 'string' ? receipt.key.trim() : '';
  const keys = Array.isArray(inf?.keys) ? inf.keys : [];
  return keys.some((k) => k && k.key === own) ? own : inf.key;
}

/**
 * The signed checkpoint of the receipt `code` as the server holds it now (it may be a newer
 * one, cosigned since), once that receipt verifies too.
 */
async function newerCheckpoint(code, inf) {
  const response = await fetch(`${API_BASE}/receipts/${encodeURIComponent(code)}`, { cache: 'no-store' });
  if (!response.ok) return null;
  const receipt = await response.json();
  await verifyReceipt(receipt, { key: keyFor(receipt, inf) });
  return receipt.checkpoint;
}

/** The receipt `code` as the server holds it, verified and drawn as a sheet in `box`. */
async function showFromServer(box, code, inf) {
  const response = await fetch(`${API_BASE}/receipts/${encodeURIComponent(code)}`, { cache: 'no-store' });
  if (response.status === 404) {
    box.append(h('p', { class: 'msg info' }, t('receipt_not_found', { code })));
    return;
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const receipt = await response.json();
  const { ul, step } = checklist();
  try {
    const v = await verifyReceipt(receipt, { key: keyFor(receipt, inf), step });
    const { campaign, reversal } = await statusOf(code, response, v.entry.body.campaign);
    box.append(receiptSheet(receipt, v, {
      org: inf.name, campaign, checklist: ul, reversal,
    }));
    box.append(h('p', { class: 'receipt-actions' }, h('button', { type: 'button', class: 'print primary', on: { click: () => window.print() } }, t('receipt_print'))));
    const witnesses = await witnessesSection(receipt.checkpoint, () => newerCheckpoint(code, inf));
    if (witnesses) box.append(witnesses);
  } catch (e) {
    box.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('receipt_failed', { error: describe(e) })), plainDetails(e.message), ul));
  }
}

/**
 * The receipt view: `#/receipt/<code>` (fetched from the server, checked against the
 * published key, shown as a printable sheet) or `#/receipt` (the code box); both also offer
 * to check a receipt file pasted or uploaded.
 */
export async function viewReceipt(out, route) {
  out.append(h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('back_overview'))));
  out.append(h('h1', {}, t('receipt_title')));
  let inf = null;
  try {
    inf = await getInfo();
  } catch {
    // offline: a pasted receipt is checked against its own key, with a warning
  }
  const code = normalReceiptCode(route.code) ?? route.code;
  if (code && parseReceiptCode(code) && inf) {
    const box = h('div', { class: 'receipt-box' });
    out.append(box);
    await showFromServer(box, code, inf);
  } else if (code) {
    out.append(h('p', { class: 'msg info' }, t('receipt_not_found', { code })));
  }
  out.append(section(t('receipt_code_title'), codeForm(code && !parseReceiptCode(code) ? code : ''), h('p', {}, h('a', { href: '#/donor-statement', id: 'donor-statement-link' }, t('ds_link')))));
  out.lastChild.classList.add('receipt-code-box');
  out.append(pasteSection(inf ? inf.key : null, inf));
}

/** "Check a receipt file": paste or upload a receipt and, optionally, the donor's identifier. */
function pasteSection(published, inf) {
  const form = section(t('receipt_paste_title'));
  form.classList.add('receipt-paste');
  form.append(h('p', {}, t('receipt_paste_intro')));
  const area = h('textarea', {
    id: 'receipt-json', rows: '6', spellcheck: 'false', autocomplete: 'off', class: 'wrap',
  });
  const file = h('input', { id: 'receipt-file', type: 'file', accept: 'application/json,.json,.tlog-proof,text/plain' });
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
    clear(result);
    let receipt;
    const text = area.value.replace(/\r\n/g, '\n').replace(/^\s+/, '');
    try {
      if (text.startsWith(TLOG_PROOF_HEADER)) {
        // A tlog-proof names no key: it is checked against the one this site publishes.
        if (!published) {
          result.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('receipt_tlog_no_key'))));
          return;
        }
        receipt = await tlogProofReceipt(text, published);
      } else {
        receipt = JSON.parse(text);
      }
    } catch (e) {
      result.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('receipt_not_json')), plainDetails(e.message)));
      return;
    }
    const { ul, step } = checklist();
    if (!published) result.append(h('p', { class: 'note' }, t('receipt_key_warning')));
    try {
      const v = await verifyReceipt(receipt, { key: (inf && keyFor(receipt, inf)) || published || receipt?.key, identifier: ident.value.trim() || undefined, step });
      result.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('receipt_ok', { code: receipt.code, seq: v.seq, size: v.cp.size }))));
      if (v.identifierChecked) result.append(h('p', {}, t('receipt_identifier_ok')));
      result.append(h('article', { class: 'card entry-full receipt', 'data-seq': String(v.seq) }, ...entryBody(v.entry.kind, v.entry.body)));
      result.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), ul));
      const witnesses = await witnessesSection(receipt.checkpoint);
      if (witnesses) result.append(witnesses);
    } catch (e) {
      result.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('receipt_failed', { error: describe(e) })), plainDetails(e.message), ul));
    }
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
  return form;
}
