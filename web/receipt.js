// Donation receipts on the public page (SPEC.md §12): check a receipt in the browser, from
// the server (#/receipt/<code>) or from a file the donor pastes or uploads, with the
// functions of the independent verifier (verify.js). A receipt needs nothing else: it
// verifies offline and for good. Nothing from a receipt is ever put on the page as HTML.

import * as V from './verify.js';

export const RECEIPT_TYPE = 'fundtrail-receipt';
const MEMBERS = ['type', 'v', 'seq', 'code', 'leaf', 'leaf_hash', 'proof', 'checkpoint', 'key', 'salt'];
const PROOF_MEMBERS = ['index', 'size', 'leaf_hash', 'root', 'proof'];
const COMMITMENT_DOMAIN = 'fundtrail donor commitment v1\0';

/** The receipt code of entry `seq`: `R-<seq>-<first 8 hex digits of its leaf hash>`. */
export function receiptCode(seq, leafHashHex) {
  return `R-${seq}-${leafHashHex.slice(0, 8)}`;
}

/** `{ seq, prefix }` of a well-formed receipt code, else null. */
export function parseReceiptCode(code) {
  const m = /^R-(0|[1-9]\d*)-([0-9a-f]{8})$/.exec(String(code));
  if (!m || !Number.isSafeInteger(Number(m[1]))) return null;
  return { seq: Number(m[1]), prefix: m[2] };
}

/** SHA-256("fundtrail donor commitment v1" || 0x00 || salt || UTF-8(identifier)), hex (SPEC.md §2.4). */
export async function donorCommitment(salt, identifier) {
  const domain = V.utf8(COMMITMENT_DOMAIN);
  const id = V.utf8(identifier);
  const bytes = new Uint8Array(domain.length + salt.length + id.length);
  bytes.set(domain, 0);
  bytes.set(salt, domain.length);
  bytes.set(id, domain.length + salt.length);
  return V.toHex(await V.sha256(bytes));
}

function fail(code, message) {
  return new V.VerifyError(code, `receipt: ${message}`);
}

function checkShape(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw fail('malformed', 'not a JSON object');
  for (const k of Object.keys(r)) if (!MEMBERS.includes(k)) throw fail('malformed', `unknown member "${k}"`);
  if (r.type !== RECEIPT_TYPE || r.v !== 1) throw fail('malformed', `not a fundtrail receipt version 1 (type ${JSON.stringify(r.type)}, v ${r.v})`);
  for (const k of ['seq', 'code', 'leaf', 'leaf_hash', 'proof', 'checkpoint', 'key']) {
    if (!(k in r)) throw fail('malformed', `missing member "${k}"`);
  }
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) throw fail('malformed', 'seq is not an integer');
  for (const k of ['code', 'leaf', 'leaf_hash', 'checkpoint', 'key']) {
    if (typeof r[k] !== 'string') throw fail('malformed', `${k} is not a string`);
  }
  const p = r.proof;
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw fail('malformed', 'proof is not an object');
  for (const k of Object.keys(p)) if (!PROOF_MEMBERS.includes(k)) throw fail('malformed', `unknown member "proof.${k}"`);
  if (!Number.isSafeInteger(p.index) || !Number.isSafeInteger(p.size) || !Array.isArray(p.proof)) {
    throw fail('malformed', 'proof needs integer index and size and a list of hashes');
  }
  if (r.salt !== undefined && (typeof r.salt !== 'string' || !V.hashFromHex(r.salt))) {
    throw fail('salt', 'salt is not 64 lower-case hex digits');
  }
}

/**
 * Verifies a receipt (a parsed JSON object) against the verifier key `key`, in the order of
 * SPEC.md §12: format, leaf, leaf hash, code, proof position, checkpoint signature, proof
 * against the signed root, salt, and with `identifier` the donor commitment. Calls
 * step(name, ok, params) for each check shown on the page. Returns
 * { seq, entry, cp, leafHash, identifierChecked } or throws a VerifyError.
 */
export async function verifyReceipt(r, { key, identifier, step = () => {} } = {}) {
  checkShape(r);
  const leafBytes = V.utf8(r.leaf);
  let entry;
  try {
    entry = V.decodeLeaf(leafBytes);
    if (entry.seq !== r.seq) throw fail('seq', `the leaf is entry ${entry.seq}, the receipt says ${r.seq}`);
    if (entry.kind !== 'donation') throw fail('kind', `entry ${entry.seq} is a ${entry.kind}, not a donation`);
  } catch (e) {
    step('check_canonical', false);
    throw e;
  }
  step('check_canonical', true);
  const hash = V.toHex(await V.leafHash(leafBytes));
  const p = r.proof;
  if (hash !== r.leaf_hash || p.leaf_hash !== hash || p.index !== r.seq || r.code !== receiptCode(r.seq, hash)) {
    step('check_leaf_hash', false);
    if (hash !== r.leaf_hash) throw fail('leaf_hash', `the leaf hashes to ${hash}, not to the stated ${r.leaf_hash}`);
    if (r.code !== receiptCode(r.seq, hash)) throw fail('code', `code ${JSON.stringify(r.code)} does not match entry ${r.seq}`);
    throw fail('proof', `the proof is for index ${p.index} and leaf ${p.leaf_hash}, not entry ${r.seq}`);
  }
  step('check_leaf_hash', true);
  let cp;
  try {
    cp = await V.verifyCheckpoint(r.checkpoint, key);
  } catch (e) {
    step('check_signature', false);
    throw e;
  }
  step('check_signature', true);
  try {
    if (p.size !== cp.size || p.root !== cp.root) {
      throw fail('proof', `the proof is against size ${p.size} root ${p.root}, the checkpoint signs size ${cp.size} root ${cp.root}`);
    }
    await V.verifyInclusion(r.seq, cp.size, hash, p.proof, cp.root);
  } catch (e) {
    step('check_inclusion', false, { size: cp.size });
    throw e;
  }
  step('check_inclusion', true, { size: cp.size });
  const commitment = entry.body.commitment;
  if (r.salt !== undefined && commitment === undefined) {
    throw fail('salt', `carries a salt but entry ${r.seq} has no donor commitment`);
  }
  let identifierChecked = false;
  if (identifier !== undefined && identifier !== null && identifier !== '') {
    if (r.salt === undefined || commitment === undefined) {
      step('rc_check_identifier', false);
      throw fail('identifier', 'cannot check an identifier: the receipt has no salt or the entry no commitment');
    }
    const computed = await donorCommitment(V.hashFromHex(r.salt), identifier);
    if (computed !== commitment) {
      step('rc_check_identifier', false);
      throw fail('identifier', `the identifier and salt do not give entry ${r.seq}'s donor commitment`);
    }
    step('rc_check_identifier', true);
    identifierChecked = true;
  }
  return {
    seq: r.seq, entry, cp, leafHash: hash, identifierChecked,
  };
}

/**
 * The receipt view, `#/receipt/<code>` (fetched from the server and checked against the
 * published key) or `#/receipt` (a receipt file pasted or uploaded, checked on the spot).
 * `ui` lends the page's helpers: { h, t, section, message, checklist, entryBody, kindLabel,
 * getInfo, integer }.
 */
export async function viewReceipt(out, route, ui) {
  const {
    h, t, section, checklist, entryBody, kindLabel, getInfo,
  } = ui;
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
      box.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('receipt_ok', { code: receipt.code, seq: v.seq, size: ui.integer(v.cp.size) }))));
      if (v.identifierChecked) box.append(h('p', {}, t('receipt_identifier_ok')));
      box.append(h('article', { class: 'card entry-full receipt', 'data-seq': String(v.seq) }, h('h2', {}, kindLabel(v.entry.kind)), ...entryBody(v.entry.kind, b)));
      box.append(h('dl', { class: 'facts' }, h('dt', {}, t('receipt_code')), h('dd', {}, h('code', {}, receipt.code)), h('dt', {}, t('leaf_hash')), h('dd', {}, h('code', { class: 'hash' }, v.leafHash))));
      box.append(h('p', {}, h('a', { href: `#/entry/${v.seq}` }, t('entry_n', { seq: v.seq }))));
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
