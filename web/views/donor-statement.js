// A donor's statement (#/donor-statement, SPEC.md §21): the donor gives their receipt codes, or
// their identifier and one salt from a receipt, and a range of days (last year by default);
// the server answers with every gift as a receipt against one signed checkpoint, and this page
// checks it in the browser (verify.js's verifyDonorStatement) before showing it as a printable
// sheet with totals per currency. A statement file can also be opened and checked here: it
// needs nothing else. Nothing from a statement is ever put on the page as HTML.

import { verifyDonorStatement } from '../verify.js';
import { t } from '../i18n.js';
import { h, section, clear, message } from './dom.js';
import { dateText, describe, money } from './format.js';
import { getInfo, postJSON, HttpError } from './server.js';
import { plainDetails } from './words.js';

function field(id, key, input, help) {
  return h('div', { class: 'field' }, h('label', { for: id }, t(key)), help ? h('p', { class: 'note', id: `${id}-help` }, t(help)) : null, input);
}

/** The server's refusal in words: its message names the field; else the usual words. */
function refusal(e) {
  if (e instanceof HttpError) {
    try {
      const body = JSON.parse(e.body);
      if (body.field) return t('ds_refused', { field: t(`ds_field_${body.field}`) });
    } catch {
      // not JSON
    }
  }
  return describe(e);
}

/** The printable sheet of a verified statement `st` (`v` what verifying it gave). */
function sheet(st, v, org) {
  const rows = v.gifts.map((g) => {
    const b = g.entry.body;
    return h(
      'tr',
      { 'data-seq': String(g.seq) },
      h('td', { 'data-label': t('col_date') }, dateText(b.received_at)),
      h('td', { 'data-label': t('ds_col_campaign') }, b.campaign),
      h('td', { 'data-label': t('ds_col_code') }, h('a', { href: `#/receipt/${g.code}` }, g.code)),
      h('td', { class: 'amount', 'data-label': t('ds_col_amount') }, money(b.amount, b.currency)),
    );
  });
  const totals = v.totals.map((x) => h('li', { 'data-currency': x.currency }, t('ds_total_line', { amount: money(x.amount, x.currency), n: x.gifts })));
  return h(
    'div',
    { class: 'donor-statement-sheet', id: 'donor-statement-sheet' },
    h('h2', {}, t('ds_sheet_title', { org })),
    h('p', {}, t('ds_range', { from: dateText(st.from), to: dateText(st.to) })),
    v.gifts.length === 0
      ? h('p', {}, t('ds_no_gifts'))
      : h(
        'table',
        { class: 'statement donor-gifts' },
        h('thead', {}, h('tr', {}, h('th', {}, t('col_date')), h('th', {}, t('ds_col_campaign')), h('th', {}, t('ds_col_code')), h('th', {}, t('ds_col_amount')))),
        h('tbody', {}, ...rows),
      ),
    h('h3', {}, t('ds_totals')),
    h('ul', { class: 'donor-totals' }, ...totals),
    message('good', v.cp ? t('ds_verified', { n: v.gifts.length, size: v.cp.size }) : t('ds_verified_empty')),
    v.identifierChecked ? h('p', { class: 'note' }, t('ds_identifier_checked')) : null,
  );
}

function downloadButton(st) {
  const button = h('button', { type: 'button', class: 'secondary' }, t('ds_download'));
  button.addEventListener('click', () => {
    const blob = new Blob([`${JSON.stringify(st, null, 2)}\n`], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `statement-${st.from}-${st.to}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  return button;
}

/** Checks `st` in the browser and shows it in `box`, or says why it does not verify. */
async function showStatement(box, st, identifier) {
  clear(box);
  let info;
  try {
    info = await getInfo();
  } catch {
    info = null;
  }
  try {
    const v = await verifyDonorStatement(st, { key: info?.verifier_key, identifier: identifier || undefined });
    const print = h('button', { type: 'button' }, t('ds_print'));
    print.addEventListener('click', () => window.print());
    box.append(sheet(st, v, info?.name ?? ''), h('p', { class: 'actions no-print' }, print, ' ', downloadButton(st)));
  } catch (e) {
    box.append(message('bad', t('ds_not_verified'), plainDetails(e && e.message ? e.message : String(e))));
  }
}

function lastYear() {
  const y = new Date().getUTCFullYear() - 1;
  return [`${y}-01-01`, `${y}-12-31`];
}

/** The form asking for a statement, and the place its answer is shown. */
export async function viewDonorStatement(out) {
  const [from0, to0] = lastYear();
  const from = h('input', { id: 'ds-from', type: 'date', value: from0, required: 'required' });
  const to = h('input', { id: 'ds-to', type: 'date', value: to0, required: 'required' });
  const codes = h('textarea', {
    id: 'ds-codes', rows: '4', spellcheck: 'false', autocapitalize: 'characters', 'aria-describedby': 'ds-codes-help',
  });
  const identifier = h('input', { id: 'ds-identifier', type: 'text', autocomplete: 'email', spellcheck: 'false' });
  const salt = h('input', { id: 'ds-salt', type: 'text', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'ds-salt-help' });
  const error = h('p', { class: 'field-error', role: 'alert', id: 'ds-error' });
  const result = h('div', { id: 'ds-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'find donor-statement-form no-print' },
    h('div', { class: 'inline' }, field('ds-from', 'ds_from', from), field('ds-to', 'ds_to', to)),
    field('ds-codes', 'ds_codes', codes, 'ds_codes_help'),
    h('p', { class: 'note' }, t('ds_or')),
    field('ds-identifier', 'ds_identifier', identifier),
    field('ds-salt', 'ds_salt', salt, 'ds_salt_help'),
    h('button', { type: 'submit' }, t('ds_get')),
    error,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const list = codes.value.split(/[\s,;]+/).map((c) => c.trim().toUpperCase().replace(/^R-/, 'R-')).filter(Boolean)
      .map((c) => c.replace(/-([0-9A-F]{8})$/, (m, x) => `-${x.toLowerCase()}`));
    const body = { from: from.value, to: to.value };
    if (list.length > 0) body.codes = list;
    else if (identifier.value.trim() !== '') Object.assign(body, { identifier: identifier.value, salt: salt.value.trim().toLowerCase() });
    else {
      error.textContent = t('ds_need_codes');
      return;
    }
    clear(result);
    result.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
    try {
      const st = await postJSON('/donor-statements', body);
      await showStatement(result, st, body.identifier);
    } catch (e) {
      clear(result);
      error.textContent = refusal(e);
    }
  });

  const file = h('input', { id: 'ds-file', type: 'file', accept: 'application/json,.json' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    let st;
    try {
      st = JSON.parse(await f.text());
    } catch {
      clear(result);
      result.append(message('bad', t('ds_not_json')));
      return;
    }
    await showStatement(result, st, identifier.value.trim());
  });

  out.append(
    h('h1', {}, t('ds_title')),
    h('p', { class: 'no-print' }, t('ds_intro')),
    section(t('ds_ask'), form),
    result,
    h('div', { class: 'no-print' }, section(t('ds_check_file'), field('ds-file', 'ds_file', file, 'ds_file_help'))),
  );
}
