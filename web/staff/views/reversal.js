// Reverse an entry: find it by its number or its bank reference, see it, pick the reason
// (refund, duplicate, error) and say more if needed. Nothing in the ledger is ever edited or
// deleted: a reversal is a new entry that undoes the amounts of the one it names.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import {
  field, radioGroup, appendFlow, formOf, applyChecks,
} from '../form.js';
import { checkLong, checkText } from '../checks.js';
import { errorText, checkText as refusalText, label } from '../format.js';
import { getJson, ApiError } from '../api.js';
import {
  entryFacts, entryLine, entryAmount, reversible,
} from '../entries.js';

/** The screen; `route.seq` (from `#/reversal?seq=N`) finds that entry at once. */
export async function viewReversal(out, route) {
  out.append(h('h1', {}, t('reversal_title')), h('p', { class: 'lead' }, t('reversal_lead')));
  const what = field({
    name: 'find', label: t('reversal_find'), hint: t('reversal_find_hint'), required: true, attrs: { inputmode: 'search', spellcheck: 'false' },
  });
  const results = h('div', { class: 'found', 'aria-live': 'polite' });
  const host = h('div', { class: 'flow' });
  const find = h('form', { class: 'card staff-form', id: 'reversal-find', role: 'search' }, what.el, h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('find'))));
  find.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await lookUp(what, results, host);
  });
  out.append(find, results, host);
  if (route.seq !== undefined) {
    what.value = String(route.seq);
    await lookUp(what, results, host);
  }
}

async function lookUp(what, results, host) {
  clear(results);
  clear(host);
  what.setError(null);
  const text = what.value.trim();
  const refusal = checkText(text, { max: 200 });
  if (refusal) {
    what.setError(refusalText(refusal));
    what.focus();
    return;
  }
  try {
    if (/^\d{1,15}$/.test(text)) {
      const answer = await getJson(`entries/${text}`);
      chosen(answer.entry, host);
      return;
    }
    const found = await getJson(`search?reference=${encodeURIComponent(text)}`);
    // A whole reference or receipt code typed names its entries; parts of longer
    // references are offered only when nothing matches whole.
    const whole = found.results.filter((r) => r.matched === 'reference' || r.matched === 'receipt_code');
    if (whole.length > 0) found.results = whole;
    if (found.results.length === 0) {
      what.setError(t('reversal_nothing_found', { text }));
      what.focus();
      return;
    }
    if (found.results.length === 1) {
      chosen(found.results[0].entry, host);
      return;
    }
    results.append(h('p', {}, t('reversal_pick')), h('ul', { class: 'plain entry-lines' }, found.results.map((r) => {
      const li = entryLine(r.entry);
      li.append(' ', h('button', { type: 'button', class: 'secondary', on: { click: () => chosen(r.entry, host) } }, t('reversal_choose')));
      return li;
    })));
  } catch (e) {
    what.setError(e instanceof ApiError && e.status === 404 ? t('reversal_no_entry', { text }) : errorText(e));
    what.focus();
  }
}

function chosen(entry, host) {
  clear(host);
  const seen = h('section', { class: 'card', 'data-chosen': String(entry.seq) }, h('h2', {}, t('reversal_entry', { seq: entry.seq })), entryFacts(entry));
  host.append(seen);
  if (!reversible(entry.kind)) {
    seen.append(h('div', { class: 'msg bad', role: 'alert' }, h('p', {}, t('reversal_not_reversible', { kind: label('kind', entry.kind) }))));
    return;
  }
  const flowHost = h('div', {});
  host.append(flowHost);
  const reason = radioGroup({
    name: 'reason',
    legend: t('reason'),
    value: '',
    options: [
      ['refund', label('reason', 'refund'), t('reason_refund_hint')],
      ['duplicate', label('reason', 'duplicate'), t('reason_duplicate_hint')],
      ['error', label('reason', 'error'), t('reason_error_hint')],
    ],
  });
  const note = field({
    name: 'note', label: t('note'), kind: 'textarea', hint: t('reversal_note_hint'),
  });
  const form = formOf('reversal-form', [reason, note]);
  appendFlow(flowHost, {
    form,
    fields: [reason, note],
    review() {
      let ok = applyChecks([[note, (v) => checkLong(v.trim(), true)]]);
      if (!reason.value) {
        reason.setError(t('reason_needed'));
        ok = false;
      }
      if (!ok) return null;
      const json = { reverses: entry.seq, reason: reason.value };
      if (note.value.trim()) json.note = note.value.trim();
      return {
        path: 'reversals',
        json,
        rows: [
          [t('reverses_entry'), h('span', {}, t('entry_n', { seq: entry.seq }), ' · ', label('kind', entry.kind), entryAmount(entry) ? ` · ${entryAmount(entry)}` : '')],
          [t('reason'), label('reason', json.reason)],
          [t('note'), json.note !== undefined ? h('span', { class: 'prewrap' }, json.note) : undefined],
        ],
        notes: [h('p', { class: 'note' }, t(`reversal_effect_${entry.kind}`))],
      };
    },
    fieldOf: (name) => (name === 'reason' ? reason : name === 'note' ? note : undefined),
    done: (ack) => h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('reversal_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
      entryFacts(ack.entry),
    ),
  });
}
