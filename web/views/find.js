// Find my donation (#/find?q=<text>; #/find?ref= is the older address): a receipt code goes
// to its receipt; anything else is searched for, and each donation found is proved in the
// browser like an entry (verify.js's verifyEntryAnswer).

import { verifyEntryAnswer } from '../verify.js';
import { t } from '../i18n.js';
import { h, clear, message } from './dom.js';
import { integer, describe } from './format.js';
import { getInfo, getJSON } from './server.js';
import { entryCard, checklist, withIntegerSize } from './cards.js';
import { normalReceiptCode } from './receipt-code.js';
import { plainDetails } from './words.js';

/** The address of a search for `q`. */
export const findHref = (q) => `#/find?q=${encodeURIComponent(q)}`;

/**
 * The search form (label, box, button) with `value` typed in; `id` is the box's id. Sending
 * it opens the receipt of a receipt code, else the search for what was typed.
 */
export function findForm(value, id = 'ref') {
  const input = h('input', {
    id, name: 'q', type: 'search', value, autocomplete: 'off', spellcheck: 'false', maxlength: '200', 'aria-describedby': `${id}-help`,
  });
  const form = h(
    'form',
    { role: 'search', class: 'find' },
    h('label', { for: id }, t('find_label')),
    h('p', { id: `${id}-help`, class: 'note' }, t('find_examples')),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, t('find_button'))),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    const code = normalReceiptCode(q);
    const target = code ? `#/receipt/${code}` : findHref(q);
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = target;
  });
  return form;
}

/** Find my donation (`#/find?q=<text>`). */
export async function viewFind(out, route) {
  out.append(h('h1', {}, t('find_title')));
  const box = h('div', { class: 'card find-box' }, h('p', {}, t('find_help')), findForm(route.q, 'ref'));
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  out.append(box, results);
  if (route.q || route.asked) await runSearch(route.q.trim(), results);
}

async function runSearch(q, results) {
  clear(results);
  if (!q) {
    results.append(message('info', t('find_empty')));
    return;
  }
  let answer;
  let inf;
  try {
    [answer, inf] = await Promise.all([getJSON(`/search?reference=${encodeURIComponent(q)}`), getInfo()]);
  } catch (e) {
    results.append(message('bad', t('load_failed', { what: t('find_title'), error: describe(e) }), plainDetails(e.message)));
    return;
  }
  const found = answer.results || [];
  if (found.length === 0) {
    results.append(message('info', t('find_none', { ref: q })));
    return;
  }
  results.append(h('p', { role: 'status' }, found.length === 1 ? t('find_found_one') : t('find_found', { n: integer(found.length) })));
  for (const item of found) {
    const box = h('div', { class: 'card result' }, entryCard(item));
    const { ul, step } = checklist();
    const fold = h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), ul);
    results.append(box);
    try {
      const full = await getJSON(`/entries/${item.seq}`);
      const r = await verifyEntryAnswer(full, inf.key, withIntegerSize(step));
      box.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('proof_ok_plain', { seq: item.seq, size: integer(r.cp.size) })), fold));
    } catch (e) {
      box.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('proof_failed', { error: describe(e) })), fold, plainDetails(e.message)));
    }
  }
}
