// One entry as the console shows it: its facts, a link to the public page (where the visitor's
// browser verifies it), and what staff may do next: the receipt of a donation, reversing it,
// or (admins) the donor's private data.

import { h } from '../../views/dom.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import { getJson, publicUrl } from '../api.js';
import { entryFacts, receiptCode, reversible } from '../entries.js';
import { receiptCard } from '../receipt.js';

/** The screen of entry `route.seq`. */
export async function viewEntry(out, route) {
  const answer = await getJson(`entries/${route.seq}`);
  const e = answer.entry;
  out.append(
    h('h1', {}, t('entry_n', { seq: e.seq })),
    h('section', { class: 'card' }, entryFacts(e), h('p', {}, h('a', { href: publicUrl(`#/entry/${e.seq}`), 'data-public-link': '' }, t('entry_public')))),
  );
  const next = h('p', { class: 'buttons' });
  if (reversible(e.kind)) next.append(h('a', { class: 'button-like', href: `#/reversal?seq=${e.seq}` }, t('entry_reverse')));
  if (e.kind === 'donation' && isAdmin()) next.append(' ', h('a', { class: 'button-like', href: `#/donors?seq=${e.seq}` }, t('entry_donor_data')));
  if (next.childNodes.length) out.append(next);
  if (e.kind === 'donation') out.append(receiptCard(receiptCode(e.seq, answer.leaf_hash)));
}
