// Find my donation (#/find?ref=<reference>): the donations with a bank reference, each proved
// in the browser like an entry (verify.js's verifyEntryAnswer).

import { verifyEntryAnswer } from '../verify.js';
import { t } from '../i18n.js';
import { h, clear, message } from './dom.js';
import { integer, describe } from './format.js';
import { getInfo, getJSON } from './server.js';
import { entryCard, checklist, withIntegerSize } from './cards.js';

/** Find my donation (`#/find?ref=<reference>`). */
export async function viewFind(out, route) {
  out.append(h('h1', {}, t('find_title')));
  const input = h('input', {
    id: 'ref', name: 'ref', type: 'search', value: route.ref, autocomplete: 'off', spellcheck: 'false', required: true, maxlength: '200',
  });
  const form = h(
    'form',
    { role: 'search', class: 'card find' },
    h('p', {}, t('find_help')),
    h('label', { for: 'ref' }, t('find_label')),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, t('find_button'))),
  );
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ref = input.value.trim();
    const target = `#/find?ref=${encodeURIComponent(ref)}`;
    if (location.hash === target) runSearch(ref, results);
    else location.hash = target;
  });
  out.append(form, results);
  if (route.ref) await runSearch(route.ref.trim(), results);
}

async function runSearch(ref, results) {
  clear(results);
  if (!ref) {
    results.append(message('info', t('find_empty')));
    return;
  }
  results.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
  let answer;
  let inf;
  try {
    [answer, inf] = await Promise.all([getJSON(`/search?reference=${encodeURIComponent(ref)}`), getInfo()]);
  } catch (e) {
    clear(results);
    results.append(message('bad', t('load_failed', { what: t('find_title'), error: describe(e) })));
    return;
  }
  clear(results);
  const found = answer.results || [];
  if (found.length === 0) {
    results.append(message('info', t('find_none', { ref })));
    return;
  }
  results.append(h('p', { role: 'status' }, found.length === 1 ? t('find_found_one') : t('find_found', { n: found.length })));
  for (const item of found) {
    const box = h('div', { class: 'card result' }, entryCard(item));
    const { ul, step } = checklist();
    box.append(h('h3', {}, t('proof_title')), ul);
    results.append(box);
    try {
      const full = await getJSON(`/entries/${item.seq}`);
      const r = await verifyEntryAnswer(full, inf.key, withIntegerSize(step));
      box.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('proof_ok', { seq: item.seq, size: integer(r.cp.size) }))));
    } catch (e) {
      box.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('proof_failed', { error: e.message }))));
    }
  }
}
