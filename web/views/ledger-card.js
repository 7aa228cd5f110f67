// The signed checkpoint /info publishes, checked in the browser with its key, and the totals
// by currency: shown on the Verify page (the overview keeps only a small badge that says
// whether the signature checked out).

import { verifyPublishedCheckpoint } from '../verify.js';
import { t } from '../i18n.js';
import {
  h, code, dl, section, message,
} from './dom.js';
import { money, integer, timeEl } from './format.js';
import { plainDetails } from './words.js';

/**
 * The checkpoint `inf` (the /info answer) publishes, with its signature checked against the
 * published key: the number of entries in words, the root and key behind a fold.
 */
export async function checkpointCard(inf) {
  const box = section(t('checkpoint'));
  let cp = null;
  let status;
  try {
    cp = await verifyPublishedCheckpoint(inf);
    status = h('p', { class: 'ok-line' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('cp_sig_ok'));
  } catch (e) {
    status = message('bad', t('cp_sig_bad'), plainDetails(e.message));
  }
  box.append(h('p', {}, t('cp_plain', { n: integer(cp ? cp.size : inf.size) })));
  box.append(dl([
    [t('cp_size'), h('span', { 'data-field': 'size' }, integer(cp ? cp.size : inf.size))],
    [t('cp_time'), timeEl(inf.last_recorded_at)],
  ]));
  box.append(status);
  box.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), dl([
    [t('cp_root'), code(cp ? cp.root : inf.root)],
    [t('cp_key'), code(inf.key, 'hash key')],
  ])));
  return box;
}

/** The totals of every currency (/api/v1/totals's `currencies`), one block each. */
export function currencyTotals(totals) {
  const cur = section(t('totals'), h('p', { class: 'note' }, t('totals_note')));
  const codes = Object.keys(totals.currencies || {});
  if (codes.length === 0) cur.append(h('p', {}, t('no_campaigns')));
  const grid = h('div', { class: 'grid' });
  for (const c of codes) {
    const x = totals.currencies[c];
    grid.append(h(
      'div',
      { class: 'currency', 'data-currency': c },
      h('h3', {}, c),
      dl([
        [t('donated'), h('span', { class: 'amount', 'data-field': 'donated' }, money(x.donated, c))],
        [t('disbursed'), h('span', { class: 'amount', 'data-field': 'disbursed' }, money(x.disbursed, c))],
        [t('balance'), h('span', { class: 'amount strong', 'data-field': 'balance' }, money(x.balance, c))],
        [t('reversed'), h('span', { class: 'amount', 'data-field': 'reversed' }, money(x.reversed, c))],
      ]),
    ));
  }
  cur.append(grid);
  return cur;
}
