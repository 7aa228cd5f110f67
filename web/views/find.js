// Find my donation (#/find?q=<text>&amount=<amount>&date=<day>; #/find?ref= is the older
// address): a receipt code opens its receipt; anything else is searched for by the server's
// forgiving search (case and spaces ignored, part of a reference, a receipt code, or amount and
// day together), and each donation found is shown with its campaign, its receipt, whether it
// was reversed, and proved in the browser like an entry (verify.js's verifyEntryAnswer).

import { verifyEntryAnswer } from '../verify.js';
import { t } from '../i18n.js';
import { h, clear, message } from './dom.js';
import { integer, describe, label } from './format.js';
import { HttpError, getInfo, getJSON } from './server.js';
import { entryCard, checklist, withIntegerSize } from './cards.js';
import { normalReceiptCode } from './receipt-code.js';
import { plainDetails } from './words.js';

/** The address of a search for `q` (and `amount` and `date`, when given). */
export function findHref(q, amount = '', date = '') {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (amount) p.set('amount', amount);
  if (date) p.set('date', date);
  return `#/find?${p.toString().replace(/\+/g, '%20')}`;
}

/** Goes to `target`, or draws it again when the page is already there. */
function go(target) {
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

/**
 * The search form (label, box, button) with `value` typed in; `id` is the box's id. Sending
 * it opens the receipt of a receipt code, else the search for what was typed. With `more`,
 * the form also has the amount and day boxes (`amount`, `date` filled in).
 */
export function findForm(value, id = 'ref', more = null) {
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
  let amount = null;
  let date = null;
  if (more) {
    amount = h('input', {
      id: 'find-amount', name: 'amount', type: 'text', inputmode: 'decimal', value: more.amount, autocomplete: 'off', maxlength: '40',
    });
    date = h('input', {
      id: 'find-date', name: 'date', type: 'date', value: /^\d{4}-\d{2}-\d{2}$/.test(more.date) ? more.date : '',
    });
    form.append(h(
      'details',
      { class: 'find-more', open: Boolean(more.amount || more.date) },
      h('summary', {}, t('find_more')),
      h('p', { class: 'note' }, t('find_more_help')),
      h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: 'find-amount' }, t('find_amount')), amount), h('div', { class: 'filter' }, h('label', { for: 'find-date' }, t('find_date')), date)),
      h('p', {}, h('button', { type: 'submit', class: 'secondary' }, t('find_button'))),
    ));
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    const a = amount ? amount.value.trim() : '';
    const d = date ? date.value : '';
    const code = !a && !d ? normalReceiptCode(q) : null;
    go(code ? `#/receipt/${code}` : findHref(q, a, d));
  });
  return form;
}

/** Find my donation (`#/find?q=<text>&amount=&date=`). */
export async function viewFind(out, route) {
  out.append(h('h1', {}, t('find_title')));
  const box = h('div', { class: 'card find-box' }, h('p', {}, t('find_help')), findForm(route.q, 'ref', { amount: route.amount, date: route.date }));
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  out.append(box, results);
  if (route.q || route.amount || route.date || route.asked) await runSearch(route, results);
}

/** The search's query string for `route` ({q, amount, date}). */
function queryOf({ q, amount, date }) {
  const p = new URLSearchParams();
  if (q.trim()) p.set('q', q.trim());
  if (amount) p.set('amount', amount);
  if (date) p.set('date', date);
  return p.toString();
}

/** What a 400 answer of the search says, in the visitor's words (by the field it names). */
async function refusal(e) {
  if (!(e instanceof HttpError) || e.status !== 400) return null;
  try {
    const body = JSON.parse(e.body ?? '');
    const field = body?.error?.field ?? body?.field;
    if (['q', 'amount', 'date'].includes(field)) return t(`find_bad_${field}`);
  } catch {
    // not a JSON error body
  }
  return t('find_bad_query');
}

async function runSearch(route, results) {
  clear(results);
  const query = queryOf(route);
  if (!query) {
    results.append(message('info', t('find_empty')));
    return;
  }
  if ((route.amount && !route.date) || (route.date && !route.amount)) {
    results.append(message('info', t('find_bad_pair')));
    return;
  }
  let answer;
  let inf;
  try {
    [answer, inf] = await Promise.all([getJSON(`/search?${query}`), getInfo()]);
  } catch (e) {
    const words = await refusal(e);
    results.append(words ? message('info', words) : message('bad', t('load_failed', { what: t('what_find'), error: describe(e) }), plainDetails(e.message)));
    return;
  }
  const found = answer.results || [];
  if (answer.indexing) results.append(h('p', { class: 'note' }, t('find_indexing')));
  if (found.length === 0) {
    results.append(message('info', t('find_none_forgiving', { ref: [route.q, route.amount, route.date].filter(Boolean).join(' · ') })));
    return;
  }
  results.append(h('p', { role: 'status' }, found.length === 1 ? t('find_found_one') : t('find_found', { n: integer(found.length) })));
  if (answer.truncated) results.append(h('p', { class: 'note' }, t('find_truncated')));
  for (const item of found) results.append(await resultCard(item, inf));
}

/** One donation found: how it matched, its campaign and receipt, and its proof. */
async function resultCard(item, inf) {
  const box = h('div', { class: 'card result', 'data-seq': String(item.seq) });
  const facts = h('p', { class: 'result-facts' });
  if (item.matched) facts.append(h('span', { class: 'note' }, label('matched', item.matched)));
  if (item.campaign) facts.append(facts.childNodes.length ? ' · ' : '', h('a', { href: `#/campaign/${encodeURIComponent(item.campaign.id)}`, class: 'result-campaign' }, item.campaign.title));
  box.append(facts, entryCard(item));
  if (item.receipt && item.receipt.code) {
    box.append(h('p', {}, h('a', { href: `#/receipt/${encodeURIComponent(item.receipt.code)}`, class: 'button result-receipt' }, t('find_open_receipt', { code: item.receipt.code }))));
  }
  const { ul, step } = checklist();
  const fold = h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), ul);
  try {
    const full = await getJSON(`/entries/${item.seq}`);
    const r = await verifyEntryAnswer(full, inf.key, withIntegerSize(step));
    box.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('proof_ok_plain', { seq: item.seq, size: integer(r.cp.size) })), fold));
  } catch (e) {
    box.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('proof_failed', { error: describe(e) })), fold, plainDetails(e.message)));
  }
  return box;
}
