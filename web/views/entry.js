// One entry (#/entry/<seq>): the verifier checks its leaf hash, canonical form, the checkpoint
// signature and the inclusion proof on the spot (verify.js's verifyEntryAnswer); the page shows
// what was proved in plain words (the steps, every field and the leaf's bytes behind folds)
// and, when a later entry reversed it, which one and why.

import { verifyEntryAnswer } from '../verify.js';
import { t } from '../i18n.js';
import {
  h, code, dl, section,
} from './dom.js';
import {
  money, integer, timeEl, kindLabel, describe,
} from './format.js';
import { getInfo, getJSON } from './server.js';
import { entryBody, checklist, withIntegerSize } from './cards.js';
import { reversedMark } from './reversal.js';
import { plainDetails, whatWasProved } from './words.js';

/** An entry (`#/entry/<seq>`), with its inclusion proof checked on the spot. */
export async function viewEntry(out, route) {
  const seq = route.seq;
  const [answer, inf] = await Promise.all([getJSON(`/entries/${seq}`), getInfo()]);
  out.append(h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('back_overview'))));
  out.append(h('h1', {}, t('entry_title', { seq })));
  const proofBox = section(t('proof_title'));
  const { ul, step } = checklist();
  let decoded = null;
  try {
    decoded = await verifyEntryAnswer(answer, inf.key, withIntegerSize(step));
    proofBox.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('proof_ok_plain', { seq, size: integer(decoded.cp.size) })), ...whatWasProved()));
  } catch (e) {
    proofBox.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('proof_failed', { error: describe(e) })), plainDetails(e.message)));
  }
  proofBox.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), ul));
  // Show what was proved: the decoded leaf. If it could not be decoded, show the server's view.
  const e = decoded ? decoded.entry : answer.entry;
  const article = h('article', { class: 'card entry-full', 'data-seq': String(seq) }, h('h2', {}, kindLabel(e.kind)), ...entryBody(e.kind, e.body || {}));
  if (answer.reversed_by) article.append(reversedMark(answer.reversed_by.seq, { body: answer.reversed_by }));
  out.append(article);
  out.append(proofBox);
  out.append(section(
    t('auditor_title'),
    h('details', { class: 'tech' }, h('summary', {}, t('entry_fields')), fieldTable(e, answer.leaf_hash)),
    h('details', { class: 'tech' }, h('summary', {}, t('leaf_bytes')), h('pre', { class: 'leaf' }, answer.leaf)),
  ));
}

function fieldValue(key, value, currency) {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const ol = h('ol', { class: 'nested' });
    for (const v of value) ol.append(h('li', {}, fieldValue('', v, currency)));
    return ol;
  }
  if (value && typeof value === 'object') {
    return dl(Object.keys(value).map((k) => [k, fieldValue(k, value[k], currency)]), 'facts nested');
  }
  if (['amount', 'goal'].includes(key) && typeof value === 'string' && currency) {
    return h('span', {}, money(value, currency), ' ', h('span', { class: 'note' }, `(${value})`));
  }
  if (['prev', 'sha256', 'commitment'].includes(key)) return code(value);
  if (typeof value === 'string' && value.includes('\n')) return h('span', { class: 'prewrap' }, value);
  return String(value);
}

function fieldTable(e, leafHashHex) {
  const body = e.body || {};
  const rows = [
    ['seq', String(e.seq)],
    ['kind', `${e.kind} (${kindLabel(e.kind)})`],
    ['recorded_at', timeEl(e.recorded_at)],
    ['recorded_by', e.recorded_by],
    ['prev', code(e.prev)],
    ['v', String(e.v)],
    [t('leaf_hash'), code(leafHashHex)],
  ].map(([k, v]) => [k, v]);
  const bodyRows = Object.keys(body).sort().map((k) => [`body.${k}`, fieldValue(k, body[k], body.currency)]);
  return dl([...rows, ...bodyRows], 'facts fields');
}
