// The overview (#/): the signed checkpoint the server publishes, checked in the browser; the
// totals by currency; and a card for every campaign.

import { verifyPublishedCheckpoint } from '../verify.js';
import { t } from '../i18n.js';
import {
  h, code, dl, section, message,
} from './dom.js';
import { money, integer, timeEl } from './format.js';
import { getInfo, getJSON } from './server.js';
import { campaignCard } from './cards.js';

/** The overview (`#/`): the signed checkpoint, the totals by currency and every campaign. */
export async function viewOverview(out) {
  const [inf, totals] = await Promise.all([getInfo(true), getJSON('/totals')]);
  out.append(h('h1', {}, inf.name));
  out.append(await checkpointCard(inf));

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
  out.append(cur);

  const camp = section(t('campaigns'));
  if (!totals.campaigns || totals.campaigns.length === 0) camp.append(h('p', {}, t('no_campaigns')));
  const list = h('ul', { class: 'campaigns' });
  for (const c of totals.campaigns || []) list.append(campaignCard(c));
  camp.append(list);
  out.append(camp);
}

/** The signed checkpoint /info publishes, checked with its key. */
async function checkpointCard(inf) {
  const box = section(t('checkpoint'));
  let cp = null;
  let status;
  try {
    cp = await verifyPublishedCheckpoint(inf);
    status = h('p', { class: 'ok-line' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('cp_sig_ok'));
  } catch (e) {
    status = message('bad', t('cp_sig_bad', { error: e.message }));
  }
  box.append(dl([
    [t('cp_size'), h('span', { 'data-field': 'size' }, integer(cp ? cp.size : inf.size))],
    [t('cp_root'), code(cp ? cp.root : inf.root)],
    [t('cp_time'), timeEl(inf.last_recorded_at)],
    [t('cp_key'), code(inf.key, 'hash key')],
  ]));
  box.append(status);
  return box;
}
